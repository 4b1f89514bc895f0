/// Chooses the points of a line worth drawing at a given width.
///
/// Per pixel column it keeps the first, lowest, highest and last point (M4: Jugel et al.,
/// "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014). The polyline
/// through those points covers exactly the pixels the full line would, so a million-point
/// history draws from at most `4 × columns` vertices and no spike disappears.
enum SeriesDownsampler {
    /// Indices into `x`/`y` to draw, ascending. `x` must be ascending; points whose x or y is
    /// NaN or infinite are skipped. With at most `4 × columns` drawable points, all of them.
    static func indices(x: [Double], y: [Double], columns: Int) -> [Int] {
        let finite = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        guard finite.count > 4 * columns, let first = finite.first, let last = finite.last, x[last] > x[first] else {
            return finite
        }
        let origin = x[first]
        let scale = Double(columns) / (x[last] - origin)
        var kept: [Int] = []
        kept.reserveCapacity(4 * columns)
        var bucket = -1
        var (start, low, high, end) = (0, 0, 0, 0)
        func flush() {
            // The four in x order, each once.
            var picks = [start, low, high, end]
            picks.sort()
            for (k, index) in picks.enumerated() where k == 0 || index != picks[k - 1] { kept.append(index) }
        }
        for index in finite {
            let column = min(columns - 1, Int((x[index] - origin) * scale))
            if column != bucket {
                if bucket >= 0 { flush() }
                bucket = column
                (start, low, high, end) = (index, index, index, index)
                continue
            }
            end = index
            if y[index] < y[low] { low = index }
            if y[index] > y[high] { high = index }
        }
        flush()
        return kept
    }
}
