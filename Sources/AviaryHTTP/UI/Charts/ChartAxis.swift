import Foundation

/// A linear axis: its data range widened to round tick values, and the map to pixels.
struct ChartAxis {
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// Pixel positions of `lower` and `upper` (for y, `upper` maps to the top).
    let start: Double
    let end: Double

    /// The largest magnitude an axis spans. Stored values reach ±1.8e308, where a range's width,
    /// its padding or a rounded tick overflows to infinity (and NaN ticks made the page spin);
    /// within ±1e300 every step below stays finite. Values beyond draw at the axis' edge.
    static let limit = 1e300

    /// `value` clamped into the range an axis can span (NaN stays NaN).
    static func drawable(_ value: Double) -> Double {
        min(max(value, -limit), limit)
    }

    /// An axis over `[minimum, maximum]` with about `count` ticks at 1, 2 or 5 × 10ⁿ.
    init(minimum: Double, maximum: Double, start: Double, end: Double, count: Int = 5) {
        var (low, high) = (Self.drawable(minimum), Self.drawable(maximum))
        if !(low.isFinite && high.isFinite) || low > high { (low, high) = (0, 1) }
        // Equal values, or values so close (0 and 5e-324) that a tick step would underflow to
        // zero, get a range around them instead.
        let count = max(count, 1)
        if high - low < max(max(abs(low), abs(high)) * 1e-12, Double.leastNormalMagnitude * 1e6) {
            (low, high) = (low - max(abs(low) * 0.1, 0.5), high + max(abs(high) * 0.1, 0.5))
        }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let lower = floor(low / step) * step
        let upper = ceil(high / step) * step
        self.lower = lower
        self.upper = upper
        // Ticks by index, not by repeated addition: where a step is below the values' ulp,
        // adding it changes nothing, and the count is bounded whatever the values.
        let intervals = min(Int(((upper - lower) / step).rounded()), 4 * count + 4)
        self.ticks = (0...max(intervals, 0)).map { k in
            let tick = lower + Double(k) * step
            return abs(tick) < step * 1e-9 ? 0 : tick
        }
        self.start = start
        self.end = end
    }

    /// The pixel position of `value`.
    func position(_ value: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    /// For a y axis: a grid line across the plot and a label left of it at every tick.
    func horizontalGrid(left: Double, right: Double) -> String {
        var svg = ""
        for tick in ticks {
            let y = SVGNumber.coordinate(position(tick))
            svg += ##"<line x1="\##(left)" x2="\##(right)" y1="\##(y)" y2="\##(y)" stroke="#d8dee4"/>"##
            svg += ##"<text x="\##(left - 6)" y="\##(y)" dy="4" text-anchor="end">\##(SVGNumber.label(tick))</text>"##
        }
        return svg
    }
}

/// Numbers written into SVG: coordinates to one decimal, labels to four significant digits.
enum SVGNumber {
    /// `value` rounded to 0.1 without going through `String(format:)`, which is the cost that
    /// matters when a page holds thousands of vertices.
    static func coordinate(_ value: Double) -> String {
        // A point far off the axis (a stored ±1e308 among small values) still draws, clamped to
        // a million pixels, and never reaches `Int(_:)` as NaN or beyond Int's range.
        let pixels = value.isNaN ? 0 : min(max(value, -1e6), 1e6)
        let tenths = Int((pixels * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    static func label(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
