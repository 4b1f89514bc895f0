import Foundation

/// A linear axis: its data range widened to round tick values, and the map to pixels.
struct ChartAxis {
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// Pixel positions of `lower` and `upper` (for y, `upper` maps to the top).
    let start: Double
    let end: Double

    /// An axis over `[minimum, maximum]` with about `count` ticks at 1, 2 or 5 × 10ⁿ.
    init(minimum: Double, maximum: Double, start: Double, end: Double, count: Int = 5) {
        var (low, high) = (minimum, maximum)
        if !(low.isFinite && high.isFinite) { (low, high) = (0, 1) }
        if low == high { (low, high) = (low - max(abs(low) * 0.1, 0.5), high + max(abs(high) * 0.1, 0.5)) }
        let raw = (high - low) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let lower = floor(low / step) * step
        let upper = ceil(high / step) * step
        self.lower = lower
        self.upper = upper
        self.ticks = stride(from: lower, through: upper + step / 2, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
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
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    static func label(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
