import Foundation

/// numpy's histogram arithmetic, as Evidently calls it: `histogram_bin_edges(bins="sturges")`
/// and `histogram(values, bins=edges)`.
public enum Histogram {
    /// `np.histogram_bin_edges(values, bins="sturges")`: ⌈range / width⌉ equal bins with
    /// width = range / (log2(n) + 1) (at least 1 for integer data), edges from `np.linspace`.
    public static func sturgesEdges(_ values: [Double], integerData: Bool = false) -> [Double] {
        guard let first = values.min(), let last = values.max() else { return [0, 1] }
        return sturgesEdges(first: first, last: last, count: values.count, integerData: integerData)
    }

    /// The Sturges edges of two sorted samples pooled, without pooling them.
    static func sturgesEdges(sortedA a: [Double], sortedB b: [Double], integerData: Bool = false) -> [Double] {
        let lows = [a.first, b.first].compactMap { $0 }
        let highs = [a.last, b.last].compactMap { $0 }
        guard let first = lows.min(), let last = highs.max() else { return [0, 1] }
        return sturgesEdges(first: first, last: last, count: a.count + b.count, integerData: integerData)
    }

    static func sturgesEdges(first: Double, last: Double, count: Int, integerData: Bool) -> [Double] {
        var (first, last) = (first, last)
        let range = last - first
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let sturgesBins = log2(Double(max(count, 1))) + 1
        guard range.isFinite else {
            // Values near ±1.8e308 span more than a Double holds (numpy overflows here): the
            // same number of bins, the edges computed in halves so that every one stays finite.
            let binCount = Int(sturgesBins.rounded(.up))
            let halfStep = (last / 2 - first / 2) / Double(binCount)
            return (0..<binCount).map { (Double($0) * halfStep + first / 2) * 2 } + [last]
        }
        var binCount = 1
        var width = range / sturgesBins
        if width != 0 {
            if integerData, width < 1 { width = 1 }
            binCount = Int(((last - first) / width).rounded(.up))
        }
        let step = (last - first) / Double(binCount)
        var edges = (0..<binCount).map { Double($0) * step + first }
        edges.append(last)
        return edges
    }

    /// `np.histogram(values, bins=edges)[0]`: bins closed on the left, the last one on both
    /// sides; values outside the edges are not counted.
    public static func counts(_ values: [Double], edges: [Double]) -> [Double] {
        counts(sorted: values.sorted(), edges: edges)
    }

    static func counts(sorted: [Double], edges: [Double]) -> [Double] {
        // searchsorted(left) for every edge but the last, searchsorted(right) for the last.
        var cumulative = edges.dropLast().map { sorted.sortedLowerBound($0) }
        cumulative.append(sorted.sortedUpperBound(edges[edges.count - 1]))
        return (0..<(edges.count - 1)).map { Double(cumulative[$0 + 1] - cumulative[$0]) }
    }
}
