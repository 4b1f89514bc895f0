import AviaryCodecs
import Foundation
import AviaryCore

/// Draws one column's reference and current shares as an inline SVG bar chart: the two
/// series side by side in each bin or category, with axis labels, so a person sees at a
/// glance where the distributions part.
enum DriftChartSVG {
    static let width = 640.0
    static let height = 220.0
    static let margin = (left: 48.0, right: 12.0, top: 12.0, bottom: 44.0)

    static func render(_ chart: DriftChart, column: String) -> String {
        let count = chart.reference.count
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let top = max(chart.reference.max() ?? 0, chart.current.max() ?? 0, 1e-12)
        let slot = plotWidth / Double(max(count, 1))
        let barWidth = max(slot * 0.4, 0.5)
        var svg = #"<svg class="drift-chart" role="img" viewBox="0 0 \#(Int(width)) \#(Int(height))" data-column="\#(HTMLText.escape(column))" aria-label="Reference and current distribution of \#(HTMLText.escape(column))">"#
        svg += "<title>\(HTMLText.escape(column)): reference vs current</title>"
        // Horizontal grid lines with share labels.
        for step in 0...4 {
            let value = top * Double(step) / 4
            let y = margin.top + plotHeight * (1 - Double(step) / 4)
            svg += #"<line class="grid" x1="\#(fmt(margin.left))" y1="\#(fmt(y))" x2="\#(fmt(width - margin.right))" y2="\#(fmt(y))"/>"#
            svg += #"<text class="axis" x="\#(fmt(margin.left - 4))" y="\#(fmt(y + 4))" text-anchor="end">\#(String(format: "%.0f%%", value * 100))</text>"#
        }
        for (series, values, offset) in [("reference", chart.reference, 0.1), ("current", chart.current, 0.5)] {
            svg += #"<g class="series \#(series)" data-series="\#(series)">"#
            for (k, value) in values.enumerated() {
                let h = plotHeight * value / top
                let x = margin.left + slot * Double(k) + slot * offset
                svg += #"<rect x="\#(fmt(x))" y="\#(fmt(margin.top + plotHeight - h))" width="\#(fmt(barWidth))" height="\#(fmt(h))"><title>\#(series) \#(HTMLText.escape(label(chart, k))): \#(String(format: "%.2f%%", value * 100))</title></rect>"#
            }
            svg += "</g>"
        }
        // At most 10 tick labels under the bars.
        let stride = max(1, Int((Double(count) / 10).rounded(.up)))
        for k in Swift.stride(from: 0, to: count, by: stride) {
            let x = margin.left + slot * (Double(k) + 0.5)
            svg += #"<text class="axis" x="\#(fmt(x))" y="\#(fmt(height - margin.bottom + 16))" text-anchor="middle">\#(HTMLText.escape(String(label(chart, k).prefix(14))))</text>"#
        }
        return svg + "</svg>"
    }

    /// A bin's lower edge or a category's name.
    static func label(_ chart: DriftChart, _ k: Int) -> String {
        if let labels = chart.labels { return labels[k] }
        if let edges = chart.edges { return HTMLText.number(edges[k]) }
        return "\(k)"
    }

    static func fmt(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
