import AviaryCore

/// XGBoost's trees flattened into one node array, walked the way XGBoost's CPU predictor walks
/// them: `x < split` in `Float`, missing values down the stored default direction, categorical
/// splits sending the listed categories right.
struct XGBoostForest: Sendable {
    /// One tree node, 16 bytes. A leaf has `leafBit` set, points both children at itself (so a
    /// walk of the tree's depth stops there) and holds its output in `value`.
    struct Node: Sendable {
        var left: Int32
        var right: Int32
        /// Feature index in the low 29 bits, plus `defaultLeftBit`, `categoricalBit` and `leafBit`.
        var flags: UInt32
        /// Split threshold for a numeric split, leaf value for a leaf.
        var value: Float
    }

    static let defaultLeftBit: UInt32 = 1 << 31
    static let categoricalBit: UInt32 = 1 << 30
    static let leafBit: UInt32 = 1 << 29
    static let featureMask: UInt32 = (1 << 29) - 1
    /// XGBoost refuses category codes at or above 2^24 (they no longer round-trip through Float).
    static let maximumCategory: Float = 16_777_216
    /// The most bitset words a forest's categorical splits may take together (64 MiB).
    static let maximumCategoryWords = 1 << 24

    var nodes: [Node] = []
    /// Index of each tree's root in `nodes`.
    var roots: [Int32] = []
    /// The output group (class) each tree adds to.
    var groups: [Int32] = []
    /// Each tree's weight: 1 for gbtree, `weight_drop` for dart.
    var weights: [Float] = []
    /// Each tree's depth (edges from the root to its deepest leaf).
    var depths: [Int32] = []
    /// Whether a tree has a categorical split (those trees take the general walk).
    var hasCategoricalSplit: [Bool] = []
    /// For categorical nodes: where their category bitset starts in `categoryWords`, and its length.
    var categoryOffsets: [Int32: (start: Int32, count: Int32)] = [:]
    var categoryWords: [UInt32] = []

    var treeCount: Int { roots.count }

    /// Appends one tree from its JSON / UBJSON document, checking every index it holds.
    mutating func append(tree: ModelDocument, group: Int, weight: Float, featureCount: Int) throws {
        let left = try tree.child("left_children").ints()
        let right = try tree.child("right_children").ints()
        let features = try tree.child("split_indices").ints()
        let conditions = try tree.child("split_conditions").numbers()
        let defaultLeft = try tree.child("default_left").ints()
        let splitTypes = try tree.optionalChild("split_type")?.ints() ?? []
        let count = left.count
        guard count > 0, [right.count, features.count, conditions.count, defaultLeft.count].allSatisfy({ $0 == count }),
              splitTypes.isEmpty || splitTypes.count == count
        else { throw tree.malformed("a tree whose node arrays have one equal, non-zero length") }

        // Node indices are Int32: a forest past that is refused, not trapped on.
        guard nodes.count + count < Int(Int32.max) else { throw tree.malformed("a forest of fewer than 2^31 nodes") }
        let base = Int32(nodes.count)
        roots.append(base)
        groups.append(Int32(group))
        weights.append(weight)
        var depth = [Int32](repeating: 0, count: count)
        var categorical = false
        for i in 0..<count {
            let isLeaf = left[i] == -1
            if !isLeaf {
                // Children after their parent: XGBoost numbers nodes that way, and it makes every walk end.
                guard ((i + 1)..<count).contains(left[i]), ((i + 1)..<count).contains(right[i]), (0..<featureCount).contains(features[i]) else {
                    throw tree.malformed("a tree whose children follow their parent and whose features are below \(featureCount) (node \(i))")
                }
            }
            var flags = isLeaf ? Self.leafBit : UInt32(features[i])
            if defaultLeft[i] != 0 { flags |= Self.defaultLeftBit }
            if !isLeaf, splitTypes.count == count, splitTypes[i] == 1 {
                flags |= Self.categoricalBit
                categorical = true
            }
            let own = base + Int32(i)
            nodes.append(Node(
                left: isLeaf ? own : base + Int32(left[i]),
                right: isLeaf ? own : base + Int32(right[i]),
                flags: flags,
                value: Float(conditions[i])
            ))
            if !isLeaf {
                depth[left[i]] = depth[i] + 1
                depth[right[i]] = depth[i] + 1
            }
        }
        depths.append(depth.max() ?? 0)
        hasCategoricalSplit.append(categorical)
        try appendCategories(tree: tree, base: base, nodeCount: count)
    }

    /// Turns XGBoost's category lists (`categories_nodes`, `_segments`, `_sizes`) into one bitset per node.
    private mutating func appendCategories(tree: ModelDocument, base: Int32, nodeCount: Int) throws {
        guard let nodeList = try tree.optionalChild("categories_nodes")?.ints(), !nodeList.isEmpty else { return }
        let segments = try tree.child("categories_segments").ints()
        let sizes = try tree.child("categories_sizes").ints()
        let categories = try tree.child("categories").ints()
        guard segments.count == nodeList.count, sizes.count == nodeList.count else {
            throw tree.malformed("a tree with one categories segment and size per categorical node")
        }
        for (k, node) in nodeList.enumerated() {
            // Checked before the range is formed: a negative size or a huge segment would trap.
            guard (0..<nodeCount).contains(node), segments[k] >= 0, sizes[k] >= 0, segments[k] <= categories.count - sizes[k] else {
                throw tree.malformed("a tree whose category segments lie inside its category list")
            }
            let members = categories[segments[k]..<(segments[k] + sizes[k])]
            guard members.allSatisfy({ $0 >= 0 && $0 < Int(Self.maximumCategory) }) else {
                throw tree.malformed("a tree with category codes between 0 and 2^24")
            }
            let wordCount = (members.max() ?? -1) / 32 + 1
            // Each bitset is sized by its largest code: without a bound, a few bytes per node
            // naming code 2^24 - 1 would ask for 2 MB each.
            guard categoryWords.count + wordCount <= Self.maximumCategoryWords else {
                throw tree.malformed("category bitsets of at most \(Self.maximumCategoryWords * 4) bytes in all")
            }
            let start = categoryWords.count
            categoryWords.append(contentsOf: repeatElement(0, count: wordCount))
            for category in members { categoryWords[start + category / 32] |= 1 << UInt32(category % 32) }
            categoryOffsets[base + Int32(node)] = (Int32(start), Int32(wordCount))
        }
    }

    /// The leaf value row `row` reaches in the tree rooted at `root`.
    @inline(__always)
    func leafValue(root: Int32, row: UnsafePointer<Float>, nodes: UnsafeBufferPointer<Node>) -> Float {
        var index = Int(root)
        while true {
            let node = nodes[index]
            if node.flags & Self.leafBit != 0 { return node.value }
            let x = row[Int(node.flags & Self.featureMask)]
            let goLeft: Bool
            if x.isNaN {
                goLeft = node.flags & Self.defaultLeftBit != 0
            } else if node.flags & Self.categoricalBit != 0 {
                goLeft = !categoryGoesRight(x, node: Int32(index))
            } else {
                goLeft = x < node.value
            }
            index = Int(goLeft ? node.left : node.right)
        }
    }

    /// Walks `count` rows (row-major at `rows`, `stride` apart) through a tree without
    /// categorical splits, level by level in lock step: the rows' walks are independent, so the
    /// CPU overlaps their loads instead of waiting on one chain of nodes at a time. Leaves
    /// point at themselves, so rows that reach one early stay put.
    @inline(__always)
    func walkLevels(root: Int32, depth: Int32, rows: UnsafePointer<Float>, stride: Int, count: Int,
                    positions: UnsafeMutablePointer<Int32>, nodes: UnsafeBufferPointer<Node>) {
        for r in 0..<count { positions[r] = root }
        for _ in 0..<depth {
            for r in 0..<count {
                let node = nodes[Int(positions[r])]
                let x = rows[r &* stride &+ Int(node.flags & Self.featureMask)]
                // Branch-free: the direction is data, not control flow, so a mispredicted
                // comparison costs nothing. NaN compares false and takes the default direction.
                let lessThan: UInt32 = x < node.value ? 1 : 0
                let goLeft = x.isNaN ? node.flags >> 31 : lessThan
                positions[r] = node.right &+ Int32(bitPattern: goLeft) &* (node.left &- node.right)
            }
        }
    }

    /// XGBoost's `common::Decision` inverted: a valid category listed at the node goes right;
    /// negative, too large, or unlisted categories go left.
    private func categoryGoesRight(_ x: Float, node: Int32) -> Bool {
        guard x >= 0, x < Self.maximumCategory, let (start, count) = categoryOffsets[node] else { return false }
        let category = Int(x)
        let word = category / 32
        guard word < Int(count) else { return false }
        return categoryWords[Int(start) + word] & (1 << UInt32(category % 32)) != 0
    }
}
