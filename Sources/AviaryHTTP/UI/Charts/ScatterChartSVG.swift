import AviaryCodecs
import AviaryCore

/// Runs as points: one param or metric across, a metric up. Each `<circle class="point">`
/// carries its run id and a tooltip with the run name and both values.
struct ScatterChartSVG {
    struct Point {
        var runID: String
        var label: String
        var x: Double
        var y: Double
        /// The run's colour index (see `LineChartSVG.color`).
        var color: Int
    }

    static let width = 680.0
    static let height = 320.0
    static let margin = (left: 64.0, right: 16.0, top: 14.0, bottom: 44.0)

    var xLabel: String
    var yLabel: String
    var points: [Point]

    func render() -> String {
        let m = Self.margin
        // Ranges widened by 5% so no point sits on an axis.
        func padded(_ values: [Double]) -> (Double, Double) {
            let finite = values.filter(\.isFinite)
            let (low, high) = (ChartAxis.drawable(finite.min() ?? 0), ChartAxis.drawable(finite.max() ?? 1))
            return (low - (high - low) * 0.05, high + (high - low) * 0.05)
        }
        let (x0, x1) = padded(points.map(\.x)), (y0, y1) = padded(points.map(\.y))
        let xAxis = ChartAxis(minimum: x0, maximum: x1, start: m.left, end: Self.width - m.right, count: 6)
        let yAxis = ChartAxis(minimum: y0, maximum: y1, start: Self.height - m.bottom, end: m.top, count: 5)
        let (xName, yName) = (HTMLText.escape(xLabel), HTMLText.escape(yLabel))
        var svg = ##"<svg class="scatter" role="img" viewBox="0 0 \##(Int(Self.width)) \##(Int(Self.height))" data-x="\##(xName)" data-y="\##(yName)" aria-label="\##(yName) against \##(xName), \##(points.count) runs">"##
        svg += ##"<title>\##(yName) against \##(xName)</title><g class="axes" font-size="11" fill="#57606a">"##
        svg += yAxis.horizontalGrid(left: m.left, right: Self.width - m.right)
        for tick in xAxis.ticks {
            let x = SVGNumber.coordinate(xAxis.position(tick))
            svg += ##"<line x1="\##(x)" x2="\##(x)" y1="\##(m.top)" y2="\##(Self.height - m.bottom)" stroke="#eef1f4"/>"##
            svg += ##"<text x="\##(x)" y="\##(Self.height - m.bottom + 17)" text-anchor="middle">\##(SVGNumber.label(tick))</text>"##
        }
        svg += ##"<text x="\##((m.left + Self.width - m.right) / 2)" y="\##(Self.height - 6)" text-anchor="middle">\##(xName)</text>"##
        svg += ##"<text transform="rotate(-90)" x="\##(-(m.top + Self.height - m.bottom) / 2)" y="14" text-anchor="middle">\##(yName)</text></g>"##
        for point in points {
            let color = LineChartSVG.color(point.color)
            svg += ##"<circle class="point" data-run="\##(HTMLText.escape(point.runID))" cx="\##(SVGNumber.coordinate(xAxis.position(point.x)))" cy="\##(SVGNumber.coordinate(yAxis.position(point.y)))" r="5" fill="\##(color)" fill-opacity="0.85">"##
            svg += "<title>\(HTMLText.escape(point.label)): \(xName) = \(SVGNumber.label(point.x)), \(yName) = \(SVGNumber.label(point.y))</title></circle>"
        }
        return svg + "</svg>"
    }
}
