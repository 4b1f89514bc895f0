import AviaryCore
import Testing
@testable import AviaryModels

/// One-tree LightGBM models written by hand: `x <= threshold`, the missing-type bits of
/// `decision_type`, and categorical bitsets that send their categories left.
@Suite struct LightGBMTraversalTests {
    /// A stump on feature 0: left leaf 1, right leaf 2.
    static func stump(decisionType: Int, threshold: Double = 0.5, categories: String = "") -> String {
        """
        tree
        version=v4
        num_class=1
        num_tree_per_iteration=1
        label_index=0
        max_feature_idx=1
        objective=regression
        feature_names=a b
        feature_infos=[0:1] [0:1]

        Tree=0
        num_leaves=2
        num_cat=\(categories.isEmpty ? 0 : 1)
        split_feature=0
        split_gain=1
        threshold=\(threshold)
        decision_type=\(decisionType)
        left_child=-1
        right_child=-2
        leaf_value=1 2
        leaf_weight=1 1
        leaf_count=1 1
        internal_value=0
        internal_weight=0
        internal_count=2
        \(categories)
        is_linear=0
        shrinkage=1


        end of trees
        """
    }

    static func predict(_ text: String, _ x: Double) throws -> Double {
        try LightGBMModel(text: text).predict(FeatureBatch(columns: [[x], [0]])).values[0]
    }

    // decision_type bits: 1 categorical, 2 default left, missing type in bits 2-3 (0 none, 1 zero, 2 NaN).

    @Test func thresholdEqualToTheValueGoesLeft() throws {
        let model = Self.stump(decisionType: 0)
        #expect(try Self.predict(model, 0.5) == 1)
        #expect(try Self.predict(model, 0.5000001) == 2)
    }

    @Test func comparisonIsInDoublePrecision() throws {
        // Unlike XGBoost, a value just above the threshold stays above it.
        let model = Self.stump(decisionType: 0, threshold: 0.5)
        #expect(try Self.predict(model, 0.5.nextUp) == 2)
    }

    @Test func nanWithoutMissingTypeIsZero() throws {
        #expect(try Self.predict(Self.stump(decisionType: 0, threshold: 0.5), .nan) == 1)
        #expect(try Self.predict(Self.stump(decisionType: 0, threshold: -0.5), .nan) == 2)
    }

    @Test func nanMissingTypeUsesTheDefaultDirection() throws {
        #expect(try Self.predict(Self.stump(decisionType: 8 | 2, threshold: -0.5), .nan) == 1)
        #expect(try Self.predict(Self.stump(decisionType: 8, threshold: 0.5), .nan) == 2)
    }

    @Test func zeroMissingTypeTreatsZeroAsMissing() throws {
        #expect(try Self.predict(Self.stump(decisionType: 4, threshold: 0.5), 0) == 2)
        #expect(try Self.predict(Self.stump(decisionType: 4 | 2, threshold: -0.5), 0) == 1)
        #expect(try Self.predict(Self.stump(decisionType: 4, threshold: 0.5), .nan) == 2, "NaN becomes 0, which is missing")
    }

    @Test func categoriesInTheBitsetGoLeft() throws {
        // Bitset 10 = 0b1010: categories 1 and 3.
        let model = Self.stump(decisionType: 1, threshold: 0, categories: "cat_boundaries=0 1\ncat_threshold=10")
        #expect(try Self.predict(model, 1) == 1)
        #expect(try Self.predict(model, 3) == 1)
        #expect(try Self.predict(model, 0) == 2)
        #expect(try Self.predict(model, 2) == 2)
        #expect(try Self.predict(model, 3.9) == 1, "codes truncate toward zero")
        #expect(try Self.predict(model, 35) == 2, "a code past the bitset is not in it")
        #expect(try Self.predict(model, -1) == 2)
        #expect(try Self.predict(model, .nan) == 2)
    }

    @Test func malformedModelsNameTheProblem() throws {
        let cycle = Self.stump(decisionType: 0).replacingOccurrences(of: "left_child=-1", with: "left_child=0")
        let error = #expect(throws: AviaryError.self) { try LightGBMModel(text: cycle) }
        #expect(error?.message.contains("Tree=0") == true)
        #expect(throws: AviaryError.self) { try LightGBMModel(text: "hello") }
    }
}
