import AviaryCore

/// LightGBM's trees flattened into one node array, walked as LightGBM's `Tree::GetLeaf` walks
/// them: `x <= threshold` in `Double`, the `decision_type` bits for missing values, and
/// categorical splits that send the categories in the node's bitset left.
struct LightGBMForest: Sendable {
    /// One node. A leaf points both children at itself (so a walk of the tree's depth stops
    /// there), has `leafMask` set and holds its output in `value`.
    struct Node: Sendable {
        var left: Int32
        var right: Int32
        var feature: Int32
        /// LightGBM's `decision_type`: bit 0 categorical, bit 1 default left, bits 2–3 missing type.
        var decision: UInt8
        /// Threshold of a numeric split, output of a leaf.
        var value: Double
    }

    static let categoricalMask: UInt8 = 1
    static let defaultLeftMask: UInt8 = 2
    /// Not a LightGBM bit: marks Aviary's leaf nodes.
    static let leafMask: UInt8 = 128
    /// LightGBM's `kZeroThreshold`: values this close to 0 count as zero for missing type `Zero`.
    static let zeroThreshold = Double(Float(1e-35))

    var nodes: [Node] = []
    var roots: [Int32] = []
    /// Each tree's depth (edges from the root to its deepest leaf).
    var depths: [Int32] = []
    /// Whether a tree has a categorical split (those trees take the general walk).
    var hasCategoricalSplit: [Bool] = []
    /// For categorical nodes: their bitset's start in `categoryWords` and its length.
    var categoryRanges: [Int32: (start: Int32, count: Int32)] = [:]
    var categoryWords: [UInt32] = []

    var treeCount: Int { roots.count }

    /// Appends one `Tree=` block, checking every index it holds.
    mutating func append(tree: LightGBMTextBlock, featureCount: Int) throws {
        let leafCount = try tree.int("num_leaves")
        let leafValues = try tree.doubles("leaf_value")
        guard leafCount >= 1, leafValues.count == leafCount else { throw tree.malformed("num_leaves leaf values") }
        if try tree.optionalInt("is_linear") == 1 {
            throw AviaryError.invalid("LightGBM linear trees (linear_tree=true) are not supported yet")
        }
        // Node and bitset indices are Int32: a forest past that is refused, not trapped on.
        guard nodes.count + 2 * leafCount < Int(Int32.max) else { throw tree.malformed("a forest of fewer than 2^31 nodes") }
        let base = Int32(nodes.count)
        roots.append(base)
        let internalCount = leafCount - 1
        let leafBase = base + Int32(internalCount)
        var depth = [Int32](repeating: 0, count: internalCount + leafCount)
        var categorical = false
        if internalCount > 0 {
            let features = try tree.ints("split_feature")
            let thresholds = try tree.doubles("threshold")
            let decisions = try tree.ints("decision_type")
            let left = try tree.ints("left_child")
            let right = try tree.ints("right_child")
            guard [features.count, thresholds.count, decisions.count, left.count, right.count].allSatisfy({ $0 == internalCount }) else {
                throw tree.malformed("num_leaves - 1 entries in every split array")
            }
            let boundaries = try tree.optionalInts("cat_boundaries") ?? []
            let bitsets = try tree.optionalInts("cat_threshold") ?? []
            let wordBase = categoryWords.count
            guard wordBase + bitsets.count < Int(Int32.max) else { throw tree.malformed("category bitsets of fewer than 2^31 words") }
            for word in bitsets {
                guard let value = UInt32(exactly: word) else { throw tree.malformed("cat_threshold words that fit 32 bits") }
                categoryWords.append(value)
            }
            // Internal node i's children are internal nodes after it, or leaves (~leaf): every walk ends.
            func child(_ c: Int, of i: Int) throws -> Int32 {
                if c < 0, ~c < leafCount { return leafBase + Int32(~c) }
                if c > i, c < internalCount { return base + Int32(c) }
                throw tree.malformed("child indices that point at a later node or a leaf (node \(i))")
            }
            for i in 0..<internalCount {
                guard (0..<featureCount).contains(features[i]), let decision = UInt8(exactly: decisions[i]) else {
                    throw tree.malformed("split features below \(featureCount) and decision types below 256 (node \(i))")
                }
                let node = Node(left: try child(left[i], of: i), right: try child(right[i], of: i),
                                feature: Int32(features[i]), decision: decision & ~Self.leafMask, value: thresholds[i])
                nodes.append(node)
                depth[Int(node.left - base)] = depth[i] + 1
                depth[Int(node.right - base)] = depth[i] + 1
                if decision & Self.categoricalMask != 0 {
                    categorical = true
                    // The threshold indexes cat_boundaries; a NaN, fractional or huge one, or a
                    // negative boundary, would trap here or read outside the bitsets per request.
                    guard let index = Int(exactly: thresholds[i]), index >= 0, index + 1 < boundaries.count,
                          boundaries[index] >= 0, boundaries[index] <= boundaries[index + 1], boundaries[index + 1] <= bitsets.count else {
                        throw tree.malformed("categorical thresholds that index cat_boundaries (node \(i))")
                    }
                    categoryRanges[base + Int32(i)] = (Int32(wordBase + boundaries[index]), Int32(boundaries[index + 1] - boundaries[index]))
                }
            }
        }
        for (leaf, value) in leafValues.enumerated() {
            let own = leafBase + Int32(leaf)
            nodes.append(Node(left: own, right: own, feature: 0, decision: Self.leafMask, value: value))
        }
        depths.append(depth.max() ?? 0)
        hasCategoricalSplit.append(categorical)
    }

    /// The leaf value row `row` reaches in the tree rooted at `root`.
    @inline(__always)
    func leafValue(root: Int32, row: UnsafePointer<Double>, nodes: UnsafeBufferPointer<Node>) -> Double {
        var index = Int(root)
        while true {
            let node = nodes[index]
            if node.decision & Self.leafMask != 0 { return node.value }
            let x = row[Int(node.feature)]
            let goLeft = node.decision & Self.categoricalMask != 0
                ? categoryGoesLeft(x, node: Int32(index))
                : numericGoesLeft(x, node: node)
            index = Int(goLeft ? node.left : node.right)
        }
    }

    /// Walks `count` rows (row-major at `rows`, `stride` apart) through a tree without
    /// categorical splits, level by level in lock step and without branches on the data, as
    /// `XGBoostForest.walkLevels` does; the decision is `numericGoesLeft`'s.
    @inline(__always)
    func walkLevels(root: Int32, depth: Int32, rows: UnsafePointer<Double>, stride: Int, count: Int,
                    positions: UnsafeMutablePointer<Int32>, nodes: UnsafeBufferPointer<Node>) {
        for r in 0..<count { positions[r] = root }
        for _ in 0..<depth {
            for r in 0..<count {
                let node = nodes[Int(positions[r])]
                let goLeft: Int32 = numericGoesLeft(rows[r &* stride &+ Int(node.feature)], node: node) ? 1 : 0
                positions[r] = node.right &+ goLeft &* (node.left &- node.right)
            }
        }
    }

    /// `Tree::NumericalDecision`: NaN counts as 0 unless the missing type is NaN; a missing value
    /// (NaN, or zero for missing type Zero) takes the default direction; else `x <= threshold`.
    @inline(__always)
    private func numericGoesLeft(_ value: Double, node: Node) -> Bool {
        let missingType = (node.decision >> 2) & 3
        let isNaN = value.isNaN
        // Written as selects rather than early returns, so the lock-step walk stays branch-free.
        let x = isNaN && missingType != 2 ? 0 : value
        let isMissing = (missingType == 1 && x >= -Self.zeroThreshold && x <= Self.zeroThreshold) || (missingType == 2 && isNaN)
        return isMissing ? node.decision & Self.defaultLeftMask != 0 : x <= node.value
    }

    /// `Tree::CategoricalDecision`: NaN and negative codes go right; a code in the node's bitset goes left.
    private func categoryGoesLeft(_ x: Double, node: Int32) -> Bool {
        // C's static_cast<int> truncates toward zero, so -0.5 is category 0; codes past Int32 are never in a bitset.
        guard !x.isNaN, x > -1, x < Double(Int32.max), let (start, count) = categoryRanges[node] else { return false }
        let category = Int(x)
        let word = category / 32
        guard word < Int(count) else { return false }
        return categoryWords[Int(start) + word] >> UInt32(category % 32) & 1 != 0
    }
}
