import AviaryCodecs
import AviaryCore
import Foundation
import Testing
@testable import AviaryModels

/// A model file is input like any request: anyone who can register a version and move an alias
/// that a deployment follows makes the server load it. Every count and index it declares is
/// checked before anything is sized or indexed by it (issue 19).
@Suite("Hostile model files")
struct HostileModelFileTests {
    static func xgboost(numFeature: String = "2", numClass: String = "0", segments: String = "[0]", categories: String? = nil) -> String {
        XGBoostTraversalTests.stumpJSON(split: 0.5, defaultLeft: 1, categorical: categories == nil ? nil : [1], objective: "reg:squarederror", baseScore: "[0E0]")
            .replacingOccurrences(of: #""categories_segments": [0]"#, with: #""categories_segments": \#(segments)"#)
            .replacingOccurrences(of: #""num_feature": "2""#, with: #""num_feature": "\#(numFeature)""#)
            .replacingOccurrences(of: #""num_class": "0""#, with: #""num_class": "\#(numClass)""#)
            .replacingOccurrences(of: #""categories_sizes": [1]"#, with: #""categories_sizes": \#(categories ?? "[1]")"#)
    }

    @Test("XGBoost counts outside their range are refused, naming the field", arguments: [
        ("-1", "0", "num_feature"), ("1000000000000", "0", "num_feature"), ("2", "1000000000000", "num_class"), ("2", "-3", "num_class"),
    ])
    func xgboostCounts(numFeature: String, numClass: String, field: String) {
        let error = #expect(throws: AviaryError.self) { try XGBoostModel(data: Data(Self.xgboost(numFeature: numFeature, numClass: numClass).utf8)) }
        #expect(error?.message.contains(field) == true, "\(error?.message ?? "")")
    }

    @Test("XGBoost category segments with a negative size or a huge start are refused before the range is formed", arguments: [
        ("[0]", "[-1]"), ("[6917529027641081856]", "[4611686018427387904]"),  // the second sums past Int.max
    ])
    func xgboostCategorySegments(segments: String, sizes: String) {
        let error = #expect(throws: AviaryError.self) { try XGBoostModel(data: Data(Self.xgboost(segments: segments, categories: sizes).utf8)) }
        #expect(error?.message.contains("category segments") == true, "\(error?.message ?? "")")
    }

    static func lightgbm(header: String = "max_feature_idx=1", threshold: String = "0.5", decisionType: Int = 0, categories: String = "") -> String {
        LightGBMTraversalTests.stump(decisionType: decisionType, categories: categories)
            .replacingOccurrences(of: "max_feature_idx=1", with: header)
            .replacingOccurrences(of: "threshold=0.5", with: "threshold=\(threshold)")
    }

    @Test("LightGBM header counts outside their range are refused", arguments: [
        ("max_feature_idx=9223372036854775807", "max_feature_idx"), ("max_feature_idx=1000000000000", "max_feature_idx"), ("max_feature_idx=-5", "max_feature_idx"),
        ("max_feature_idx=1\nnum_tree_per_iteration=4611686018427387904", "num_tree_per_iteration"),
    ])
    func lightgbmCounts(header: String, field: String) {
        let error = #expect(throws: AviaryError.self) { try LightGBMModel(text: Self.lightgbm(header: header)) }
        #expect(error?.message.contains(field) == true, "\(error?.message ?? "")")
    }

    @Test("LightGBM categorical thresholds that are not an index, or boundaries below zero, are refused at load", arguments: [
        ("nan", "cat_boundaries=0 1\ncat_threshold=10"), ("inf", "cat_boundaries=0 1\ncat_threshold=10"), ("1e300", "cat_boundaries=0 1\ncat_threshold=10"),
        ("0.5", "cat_boundaries=0 1\ncat_threshold=10"), ("0", "cat_boundaries=-1 1\ncat_threshold=10"),
        ("0", "cat_boundaries=-9223372036854775808 1\ncat_threshold=10"),
    ])
    func lightgbmCategoricalIndex(threshold: String, categories: String) {
        let error = #expect(throws: AviaryError.self) { try LightGBMModel(text: Self.lightgbm(threshold: threshold, decisionType: 1, categories: categories)) }
        #expect(error?.message.contains("categorical thresholds") == true, "\(error?.message ?? "")")
    }

    @Test("UBJSON typed containers of zero-byte elements are refused (a dozen bytes asked for any number of values)", arguments: ["Z", "N", "T", "F"])
    func ubjsonZeroByteElements(type: String) {
        // [$Z#L <2^40>: a count the file's length does not bound, because Z takes no bytes.
        var bytes = Array("[$\(type)#L".utf8)
        bytes += withUnsafeBytes(of: UInt64(1 << 40).bigEndian, Array.init)
        let error = #expect(throws: AviaryError.self) { try UBJSONReader.parse(Data(bytes)) }
        #expect(error?.message.contains("zero-byte") == true, "\(error?.message ?? "")")
    }

    @Test("a model whose features repeat a name is refused: a request could never fill the second")
    func duplicateFeatureNames() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-duplicate-\(UUID().uuidString).txt")
        try Data(Self.lightgbm().replacingOccurrences(of: "feature_names=a b", with: "feature_names=a a").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: AviaryError.self) { try ModelPackage.load(from: file) }
        #expect(error?.message.contains("'a' twice") == true, "\(error?.message ?? "")")
    }
}
