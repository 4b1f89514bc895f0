extension DriftChart {
    /// Categories drawn before the rest are folded into one bar.
    static let maximumCategories = 20

    /// Shares per Sturges bin over both datasets (numeric columns) or per value, largest
    /// first (categorical columns, including integer codes Evidently reads as categories).
    static func make(reference: DriftSample, current: DriftSample, counts: ValueCounts, categorical: Bool) -> DriftChart {
        if !categorical, case .numbers(let r) = reference, case .numbers(let c) = current {
            let edges = Histogram.sturgesEdges(sortedA: r, sortedB: c)
            return DriftChart(
                edges: edges, labels: nil,
                reference: Histogram.counts(sorted: r, edges: edges).map { $0 / Double(r.count) },
                current: Histogram.counts(sorted: c, edges: edges).map { $0 / Double(c.count) }
            )
        }
        let order = (0..<counts.count).sorted { counts.reference[$0] + counts.current[$0] > counts.reference[$1] + counts.current[$1] }
        let shown = order.prefix(maximumCategories)
        let names = counts.labels.isEmpty
            ? counts.numbers.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : $0.description }
            : counts.labels
        var labels = shown.map { names[$0] }
        var ref = shown.map { counts.reference[$0] / Double(reference.count) }
        var cur = shown.map { counts.current[$0] / Double(current.count) }
        if order.count > maximumCategories {
            let rest = order.dropFirst(maximumCategories)
            labels.append("other (\(rest.count))")
            ref.append(rest.reduce(0) { $0 + counts.reference[$1] } / Double(reference.count))
            cur.append(rest.reduce(0) { $0 + counts.current[$1] } / Double(current.count))
        }
        return DriftChart(edges: nil, labels: labels, reference: ref, current: cur)
    }
}
