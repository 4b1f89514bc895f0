/// Reduces a metric history to the points a chart `columns` pixels wide can show.
///
/// Per pixel column it keeps the first, last, lowest and highest point (M4: Jugel et al.,
/// "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014). A line through
/// those points covers exactly the pixels the full line would, so a million-point history
/// draws from at most `4 × columns` points and no spike disappears. Histories of at most
/// `4 × columns` drawable points are kept whole.
///
/// Points can arrive in any order and in parts: stores scan ranges of a history in parallel,
/// each into its own downsampler over the same x range, and `merge` the results.
public struct MetricDownsampler: Sendable {
    struct Point: Sendable, Equatable {
        var step: Int64
        var timestamp: Int64
        var value: Double
    }

    struct Bucket: Sendable {
        var first: Point
        var last: Point
        var low: Point
        var high: Point
        var isEmpty = true
    }

    public let axis: MetricAxis
    let lower: Double
    let scale: Double
    let columns: Int
    private(set) var total = 0
    /// Every drawable point, until there are more than `4 × columns` of them.
    private var whole: [Point]? = []
    private var buckets: [Bucket]

    /// A downsampler for points whose x (step or timestamp) lies in `lower...upper`.
    public init(axis: MetricAxis, lower: Double, upper: Double, columns: Int) {
        self.axis = axis
        self.lower = lower
        self.scale = upper > lower ? Double(columns) / (upper - lower) : 0
        self.columns = columns
        let none = Point(step: 0, timestamp: 0, value: 0)
        self.buckets = Array(repeating: Bucket(first: none, last: none, low: none, high: none), count: columns)
    }

    /// A point's position along `axis`.
    @inline(__always)
    static func x(_ point: Point, on axis: MetricAxis) -> Double {
        axis == .step ? Double(point.step) : Double(point.timestamp)
    }

    func x(_ point: Point) -> Double {
        Self.x(point, on: axis)
    }

    /// Counts one value of the history, and keeps it if it may be drawn.
    @inline(__always)
    public mutating func add(step: Int64, timestamp: Int64, value: Double) {
        total += 1
        guard value.isFinite else { return }
        add(Point(step: step, timestamp: timestamp, value: value))
    }

    private mutating func add(_ point: Point) {
        if whole != nil {
            whole!.append(point)
            if whole!.count > 4 * columns { whole = nil }
        }
        let x = x(point)
        let column = min(columns - 1, max(0, Int((x - lower) * scale)))
        let axis = axis
        // In place: this runs once per value of a million-point history.
        buckets.withUnsafeMutableBufferPointer { buckets in
            if buckets[column].isEmpty {
                buckets[column] = Bucket(first: point, last: point, low: point, high: point, isEmpty: false)
                return
            }
            if x < Self.x(buckets[column].first, on: axis) { buckets[column].first = point }
            if x >= Self.x(buckets[column].last, on: axis) { buckets[column].last = point }
            if point.value < buckets[column].low.value { buckets[column].low = point }
            if point.value > buckets[column].high.value { buckets[column].high = point }
        }
    }

    /// Adds everything `other` (over the same range and columns) has seen.
    public mutating func merge(_ other: MetricDownsampler) {
        let ownTotal = total
        if let otherWhole = other.whole, let ownWhole = whole, ownWhole.count + otherWhole.count <= 4 * columns {
            whole = ownWhole + otherWhole
        } else {
            whole = nil
        }
        let keptWhole = whole
        for bucket in other.buckets where !bucket.isEmpty {
            for point in [bucket.first, bucket.low, bucket.high, bucket.last] { add(point) }
        }
        whole = keptWhole
        total = ownTotal + other.total
    }

    /// The kept points in x order (ties in arrival order).
    public func series() -> MetricSeries {
        var points: [Point]
        if let whole {
            points = whole
        } else {
            points = []
            points.reserveCapacity(4 * columns)
            for bucket in buckets where !bucket.isEmpty {
                var four = [bucket.first, bucket.low, bucket.high, bucket.last]
                four.sort { x($0) < x($1) || (x($0) == x($1) && $0.step < $1.step) }
                for (k, point) in four.enumerated() where k == 0 || point != four[k - 1] { points.append(point) }
            }
        }
        let order = points.indices.sorted { x(points[$0]) < x(points[$1]) || (x(points[$0]) == x(points[$1]) && $0 < $1) }
        return MetricSeries(
            steps: order.map { points[$0].step }, timestamps: order.map { points[$0].timestamp },
            values: order.map { points[$0].value }, total: total
        )
    }
}
