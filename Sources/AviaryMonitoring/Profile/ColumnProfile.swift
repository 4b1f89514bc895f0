import Foundation

/// What a column holds at a glance: counts, spread and shape, as `pandas.describe()` and
/// `value_counts()` report them.
public struct ColumnProfile: Sendable, Codable {
    public var column: String
    public var kind: DataColumn.Kind
    /// Present values (missing ones excluded; infinities included, as pandas counts them).
    public var count: Int
    public var missing: Int
    public var distinct: Int
    /// Numeric, boolean and datetime columns (datetime as seconds since 1970): over finite values.
    public var min: Double?
    public var max: Double?
    public var mean: Double?
    /// Sample standard deviation (n − 1), as pandas computes it.
    public var std: Double?
    /// The 25th, 50th and 75th percentiles, linearly interpolated (numpy's default).
    public var quantiles: [String: Double]?
    public var infinities: Int?
    /// Numeric columns: Sturges bins over the finite values.
    public var histogram: Histogram?
    /// Categorical and boolean columns: the most frequent values, most frequent first.
    public var top: [ValueCount]?

    public struct Histogram: Sendable, Codable {
        public var edges: [Double]
        public var counts: [Int]
    }

    public struct ValueCount: Sendable, Codable {
        public var value: String
        public var count: Int
    }

    /// Values listed under `top`.
    static let topCount = 10

    public init(_ column: DataColumn) {
        self.column = column.name
        kind = column.kind
        missing = column.missingCount
        count = column.count - missing
        switch column.kind {
        case .categorical:
            var counts = [Int](repeating: 0, count: column.categories.count)
            for code in column.codes where code >= 0 { counts[Int(code)] += 1 }
            distinct = counts.filter { $0 > 0 }.count
            top = Self.top(labels: column.categories, counts: counts)
        case .boolean:
            let trues = column.numbers.filter { $0 == 1 }.count
            let falses = count - trues
            distinct = (trues > 0 ? 1 : 0) + (falses > 0 ? 1 : 0)
            top = Self.top(labels: ["true", "false"], counts: [trues, falses])
            describe(column.numbers.filter { !$0.isNaN })
        case .numeric, .datetime:
            let present = RadixSort.sorted(column.numbers.filter { !$0.isNaN })
            distinct = present.indices.filter { $0 == 0 || present[$0] != present[$0 - 1] }.count
            let finite = present.filter(\.isFinite)
            infinities = present.count - finite.count
            describe(finite)
            if column.kind == .numeric, !finite.isEmpty {
                let edges = AviaryMonitoring.Histogram.sturgesEdges(sortedA: finite, sortedB: [])
                histogram = Histogram(edges: edges, counts: AviaryMonitoring.Histogram.counts(sorted: finite, edges: edges).map { Int($0) })
            }
        }
    }

    /// min, max, mean, std and quartiles of sorted-or-not finite values.
    private mutating func describe(_ values: [Double]) {
        guard !values.isEmpty else { return }
        let sorted = values.count > 1 && !zip(values, values.dropFirst()).allSatisfy({ $0 <= $1 }) ? RadixSort.sorted(values) : values
        min = sorted.first
        max = sorted.last
        let n = Double(sorted.count)
        let average = sorted.reduce(0, +) / n
        mean = average
        std = sorted.count > 1 ? (sorted.reduce(0) { $0 + ($1 - average) * ($1 - average) } / (n - 1)).squareRoot() : nil
        quantiles = ["25%": Self.quantile(sorted, 0.25), "50%": Self.quantile(sorted, 0.5), "75%": Self.quantile(sorted, 0.75)]
    }

    /// numpy's linear interpolation between the closest ranks, with its `_lerp` (which
    /// interpolates from the nearer end).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        let t = position - Double(low)
        let (a, b) = (sorted[low], sorted[high])
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
    }

    private static func top(labels: [String], counts: [Int]) -> [ValueCount] {
        labels.indices.filter { counts[$0] > 0 }
            .sorted { (counts[$0], labels[$1]) > (counts[$1], labels[$0]) }
            .prefix(topCount)
            .map { ValueCount(value: labels[$0], count: counts[$0]) }
    }
}

extension DataColumn.Kind: Codable {}

extension DataTable {
    /// A profile of every column, computed on every core.
    public var profiles: [ColumnProfile] {
        Parallel.map(columns, ColumnProfile.init)
    }
}
