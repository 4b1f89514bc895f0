import AviaryCodecs
import Foundation
import AviaryCore

/// The drift report as one self-contained HTML page (no external assets): the verdict and a
/// summary table first, then one section per column with its chart, test, score, threshold
/// and verdict.
public enum DriftHTMLReport {
    /// The page for `report`; the dataset names are shown as given (escaped).
    public static func render(_ report: DriftReport, referenceName: String, currentName: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Data drift: \(HTMLText.escape(currentName)) vs \(HTMLText.escape(referenceName))</title>
            <style>\(style)</style></head><body><main>
            <h1>Data drift</h1>
            <p class="verdict \(report.datasetDrift ? "drift" : "ok")">\(report.datasetDrift ? "Dataset drift detected" : "No dataset drift"):
            \(report.driftedColumns) of \(report.columns.count) columns drifted (share \(HTMLText.number(report.driftShare)), threshold \(HTMLText.number(report.shareThreshold))).</p>
            <p>Reference <code>\(HTMLText.escape(referenceName))</code> (\(report.referenceRows) rows), current <code>\(HTMLText.escape(currentName))</code> (\(report.currentRows) rows).
            <span class="legend"><span class="swatch reference"></span>reference <span class="swatch current"></span>current</span></p>
            <table><caption>Columns, drifted first</caption>
            <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Test</th><th scope="col">Score</th><th scope="col">Threshold</th><th scope="col">Drift</th></tr></thead><tbody>
            """
        let ordered = report.columns.sorted { ($0.drifted ? 0 : 1, $0.column) < ($1.drifted ? 0 : 1, $1.column) }
        for (k, column) in ordered.enumerated() {
            html += "<tr class=\"\(column.drifted ? "drift" : "ok")\"><td><a href=\"#column-\(k)\">\(HTMLText.escape(column.column))</a></td><td>\(column.type)</td><td>\(column.method.rawValue)</td>"
            html += "<td>\(HTMLText.number(column.score))</td><td>\(HTMLText.number(column.threshold))</td><td>\(column.drifted ? "Detected" : "Not detected")</td></tr>\n"
        }
        html += "</tbody></table>\n"
        for skipped in report.skipped {
            html += "<p class=\"skipped\">Not tested: <code>\(HTMLText.escape(skipped.column))</code>, \(HTMLText.escape(skipped.reason)).</p>\n"
        }
        for (k, column) in ordered.enumerated() {
            let rule = column.method.scoreIsPValue
                ? "drift when p-value \(column.method == .ks ? "≤" : "&lt;") \(HTMLText.number(column.threshold))"
                : "drift when distance ≥ \(HTMLText.number(column.threshold))"
            html += """
                <section class="column" id="column-\(k)"><h2>\(HTMLText.escape(column.column)) <span class="badge \(column.drifted ? "drift" : "ok")">\(column.drifted ? "drift" : "no drift")</span></h2>
                <p>\(column.method.rawValue) \(column.method.scoreIsPValue ? "p-value" : "distance") \(HTMLText.number(column.score)) (\(rule)); \(column.referenceCount) reference and \(column.currentCount) current values.</p>
                \(DriftChartSVG.render(column.chart, column: column.column))
                </section>

                """
        }
        return html + "</main></body></html>\n"
    }

    static let style = """
        body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1b1f24;background:#fff;margin:0}
        main{max-width:980px;margin:0 auto;padding:16px}
        h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .3em}
        table{border-collapse:collapse;width:100%;margin:1em 0}caption{text-align:left;font-weight:600;padding:.3em 0}
        th,td{border-bottom:1px solid #d0d7de;padding:.35em .5em;text-align:left}
        tr.drift td{background:#fff1f0}
        .verdict{font-size:1.1em;font-weight:600;padding:.6em .8em;border-radius:6px}
        .verdict.drift,.badge.drift{background:#ffd7d5;color:#82071e}.verdict.ok,.badge.ok{background:#dafbe1;color:#116329}
        .badge{font-size:.75em;padding:.15em .5em;border-radius:1em;vertical-align:middle}
        .drift-chart{width:100%;height:auto;max-width:640px}
        .drift-chart .grid{stroke:#d0d7de;stroke-width:1}.drift-chart .axis{font-size:11px;fill:#57606a}
        .series.reference rect,.swatch.reference{fill:#0969da;background:#0969da}
        .series.current rect,.swatch.current{fill:#d1242f;background:#d1242f}
        .swatch{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 .8em;vertical-align:middle}
        code{font-size:.92em}a{color:#0969da}
        @media (max-width:600px){th:nth-child(2),td:nth-child(2){display:none}}
        """
}
