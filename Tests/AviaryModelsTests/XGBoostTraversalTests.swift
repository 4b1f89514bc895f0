import AviaryCodecs
import AviaryCore
import Foundation
import Testing
@testable import AviaryModels

/// One-tree XGBoost models written by hand, so each edge of the walk is pinned down: the
/// comparison is `Float(x) < split`, NaN follows `default_left`, listed categories go right.
@Suite struct XGBoostTraversalTests {
    /// A stump on feature 0: left leaf 1, right leaf 2.
    static func stump(split: Double = 0.5, defaultLeft: Int = 1, categorical: [Int]? = nil,
                      objective: String = "reg:squarederror", baseScore: String = "[0E0]") throws -> XGBoostModel {
        try XGBoostModel(data: Data(stumpJSON(split: split, defaultLeft: defaultLeft, categorical: categorical, objective: objective, baseScore: baseScore).utf8))
    }

    /// The stump's JSON document.
    static func stumpJSON(split: Double, defaultLeft: Int, categorical: [Int]?, objective: String, baseScore: String) -> String {
        let categories = categorical ?? []
        return """
            {"learner": {
              "learner_model_param": {"base_score": "\(baseScore)", "num_class": "0", "num_feature": "2", "num_target": "1"},
              "objective": {"name": "\(objective)"},
              "feature_names": [], "feature_types": [],
              "gradient_booster": {"name": "gbtree", "model": {
                "tree_info": [0],
                "trees": [{
                  "left_children": [1, -1, -1], "right_children": [2, -1, -1],
                  "split_indices": [0, 0, 0], "split_conditions": [\(split), 1.0, 2.0],
                  "default_left": [\(defaultLeft), 0, 0], "split_type": [\(categorical == nil ? 0 : 1), 0, 0],
                  "categories": \(categories), "categories_nodes": \(categorical == nil ? "[]" : "[0]"),
                  "categories_segments": \(categorical == nil ? "[]" : "[0]"), "categories_sizes": \(categorical == nil ? "[]" : "[\(categories.count)]")
                }]
              }}
            }}
            """
    }

    static func predict(_ model: XGBoostModel, _ x: Double) -> Double {
        model.predict(FeatureBatch(columns: [[x], [0]])).values[0]
    }

    @Test func thresholdEqualToTheValueGoesRight() throws {
        let model = try Self.stump()
        #expect(Self.predict(model, 0.5) == 2)
        #expect(Self.predict(model, 0.49) == 1)
        #expect(Self.predict(model, 0.51) == 2)
    }

    @Test func valuesAreRoundedToFloatBeforeComparing() throws {
        let model = try Self.stump()
        // 0.49999999 is below the split as a Double but rounds to Float(0.5), so XGBoost sends it right.
        #expect(Double(0.49999999) < Double(0.5))
        #expect(Self.predict(model, 0.49999999) == 2)
        #expect(Self.predict(model, Double(Float(0.5).nextDown)) == 1)
    }

    @Test func missingValuesFollowTheDefaultDirection() throws {
        #expect(Self.predict(try Self.stump(defaultLeft: 1), .nan) == 1)
        #expect(Self.predict(try Self.stump(defaultLeft: 0), .nan) == 2)
    }

    @Test func listedCategoriesGoRightOthersLeft() throws {
        let model = try Self.stump(split: 0, defaultLeft: 0, categorical: [1, 3, 40])
        #expect(Self.predict(model, 1) == 2)
        #expect(Self.predict(model, 3) == 2)
        #expect(Self.predict(model, 40) == 2)
        #expect(Self.predict(model, 0) == 1)
        #expect(Self.predict(model, 2) == 1)
        #expect(Self.predict(model, 1.7) == 2, "category codes truncate toward zero")
        #expect(Self.predict(model, -1) == 1, "negative categories are invalid and go left")
        #expect(Self.predict(model, 1e9) == 1, "categories past 2^24 are invalid and go left")
        #expect(Self.predict(model, .nan) == 2, "a missing category follows default_left")
    }

    @Test func baseScoreAsScalarOrListIsTheSameMargin() throws {
        let scalar = try Self.stump(objective: "binary:logistic", baseScore: "5E-1")
        let list = try Self.stump(objective: "binary:logistic", baseScore: "[5E-1]")
        let expected = Double(1 / (1 + expf(-1)))
        #expect(abs(Self.predict(scalar, 0) - expected) < 1e-7)
        #expect(Self.predict(list, 0) == Self.predict(scalar, 0))
    }

    @Test func corruptModelsAreRefusedWithTheField() throws {
        let error = #expect(throws: AviaryError.self) { try XGBoostModel(data: Data(#"{"learner": {}}"#.utf8)) }
        #expect(error?.message.contains("learner.learner_model_param") == true)
        #expect(throws: AviaryError.self) { try XGBoostModel(data: Data([UInt8(ascii: "{"), UInt8(ascii: "i")])) }
    }

    @Test func ubjsonAndJSONGiveTheSameModel() throws {
        // {"a": [$d#i2 1.5 2.5], "b": "x"} in UBJSON.
        var bytes: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "i"), 1, UInt8(ascii: "a"),
                              UInt8(ascii: "["), UInt8(ascii: "$"), UInt8(ascii: "d"), UInt8(ascii: "#"), UInt8(ascii: "i"), 2]
        for value: Float in [1.5, 2.5] { withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 } }
        bytes += [UInt8(ascii: "i"), 1, UInt8(ascii: "b"), UInt8(ascii: "S"), UInt8(ascii: "i"), 1, UInt8(ascii: "x"), UInt8(ascii: "}")]
        let parsed = try UBJSONReader.parse(Data(bytes)) as? [String: Any]
        #expect(parsed?["a"] as? [Float] == [1.5, 2.5])
        #expect(parsed?["b"] as? String == "x")
    }
}
