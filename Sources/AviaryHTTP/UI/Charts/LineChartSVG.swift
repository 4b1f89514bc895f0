import AviaryCodecs
import AviaryCore

/// Metric histories drawn as inline SVG: one line per run, with round-numbered axes. The
/// lines come downsampled from the store (`MetricDownsampler`) to what `columns` pixels show.
///
/// Each line is a `<path class="series">` whose `data-points` says how many vertices it holds
/// and `data-total` how many values the history has, so tests and scripts can read the chart.
/// The plot box and axis ranges sit in `data-` attributes for the hover read-out in aviary.js.
struct LineChartSVG {
    /// One line through `(x[i], y[i])`, x ascending; `total` is the length of the full history.
    struct Series {
        var label: String
        var runID: String
        var x: [Double]
        var y: [Double]
        var total: Int
        /// An index into `palette`: a run keeps its colour across the charts of one page.
        var color: Int
    }

    static let width = 680.0
    static let height = 260.0
    static let margin = (left: 64.0, right: 16.0, top: 14.0, bottom: 44.0)
    /// Pixel columns of the plot area; the store keeps at most four points per column.
    static let columns = Int(width - margin.left - margin.right)
    /// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]

    static func color(_ index: Int) -> String {
        palette[index % palette.count]
    }

    var metric: String
    var xLabel: String
    /// `step` or `time`: written to `data-x`.
    var xKind: String
    var series: [Series]

    func render() -> String {
        var (xMin, xMax, yMin, yMax) = (Double.infinity, -Double.infinity, Double.infinity, -Double.infinity)
        for line in series {
            xMin = min(xMin, line.x.first ?? .infinity); xMax = max(xMax, line.x.last ?? -.infinity)
            yMin = min(yMin, line.y.min() ?? .infinity); yMax = max(yMax, line.y.max() ?? -.infinity)
        }
        let m = Self.margin
        let xAxis = ChartAxis(minimum: xMin, maximum: xMax, start: m.left, end: Self.width - m.right, count: 6)
        let yAxis = ChartAxis(minimum: yMin, maximum: yMax, start: Self.height - m.bottom, end: m.top, count: 5)
        let metric = HTMLText.escape(self.metric)
        var svg = ##"<svg class="chart" role="img" viewBox="0 0 \##(Int(Self.width)) \##(Int(Self.height))" data-metric="\##(metric)" data-x="\##(xKind)""##
        svg += ##" data-x0="\##(xAxis.lower)" data-x1="\##(xAxis.upper)" data-y0="\##(yAxis.lower)" data-y1="\##(yAxis.upper)""##
        svg += ##" data-left="\##(m.left)" data-right="\##(Self.width - m.right)" data-top="\##(m.top)" data-bottom="\##(Self.height - m.bottom)""##
        svg += ##" aria-label="\##(metric) by \##(HTMLText.escape(xLabel)), \##(series.count) series">"##
        svg += "<title>\(metric)</title>"
        svg += axes(xAxis, yAxis)
        for line in series {
            let color = Self.color(line.color)
            var path = ""
            path.reserveCapacity(line.x.count * 14)
            for (x, y) in zip(line.x, line.y) {
                path += path.isEmpty ? "M" : " L"
                path += SVGNumber.coordinate(xAxis.position(x))
                path += " "
                path += SVGNumber.coordinate(yAxis.position(y))
            }
            svg += ##"<path class="series" data-run="\##(HTMLText.escape(line.runID))" data-label="\##(HTMLText.escape(line.label))" data-points="\##(line.x.count)" data-total="\##(line.total)" fill="none" stroke="\##(color)" stroke-width="1.6" stroke-linejoin="round" d="\##(path)"><title>\##(HTMLText.escape(line.label))</title></path>"##
            if line.x.count == 1 {
                // A one-point line has no length; mark the point.
                svg += ##"<circle cx="\##(SVGNumber.coordinate(xAxis.position(line.x[0])))" cy="\##(SVGNumber.coordinate(yAxis.position(line.y[0])))" r="3" fill="\##(color)"/>"##
            }
        }
        return svg + "</svg>"
    }

    private func axes(_ xAxis: ChartAxis, _ yAxis: ChartAxis) -> String {
        let m = Self.margin
        var svg = ##"<g class="axes" font-size="11" fill="#57606a">"##
        svg += yAxis.horizontalGrid(left: m.left, right: Self.width - m.right)
        for tick in xAxis.ticks {
            let x = SVGNumber.coordinate(xAxis.position(tick))
            svg += ##"<line x1="\##(x)" x2="\##(x)" y1="\##(Self.height - m.bottom)" y2="\##(Self.height - m.bottom + 4)" stroke="#57606a"/>"##
            svg += ##"<text x="\##(x)" y="\##(Self.height - m.bottom + 17)" text-anchor="middle">\##(SVGNumber.label(tick))</text>"##
        }
        svg += ##"<line x1="\##(m.left)" x2="\##(Self.width - m.right)" y1="\##(Self.height - m.bottom)" y2="\##(Self.height - m.bottom)" stroke="#57606a"/>"##
        svg += ##"<text x="\##((m.left + Self.width - m.right) / 2)" y="\##(Self.height - 6)" text-anchor="middle">\##(HTMLText.escape(xLabel))</text>"##
        return svg + "</g>"
    }
}
