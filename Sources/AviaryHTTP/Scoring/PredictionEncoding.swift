import AviaryModels

/// Writes predictions as JSON text directly (no intermediate objects): the reply of every
/// scoring request goes through here.
enum PredictionEncoding {
    /// `[0.1,0.9]` for one output per row, `[[0.2,0.8],[0.6,0.4]]` for several.
    static func nestedList(_ predictions: Predictions) -> String {
        nestedList(predictions.values, width: predictions.width, float32: predictions.precision == .float32)
    }

    /// `values` (row-major, `width` per row) as the scoring protocol returns them.
    static func nestedList(_ values: [Double], width: Int, float32: Bool) -> String {
        var text = "["
        text.reserveCapacity(values.count * 12 + 2)
        let rows = width == 0 ? 0 : values.count / width
        for i in 0..<rows {
            if i > 0 { text += "," }
            if width == 1 {
                text += number(values[i], float32: float32)
            } else {
                text += "["
                text += values[(i * width)..<((i + 1) * width)].map { number($0, float32: float32) }.joined(separator: ",")
                text += "]"
            }
        }
        return text + "]"
    }

    /// Feature rows (row-major) as `{"columns":[…],"data":[[…],…]}`; missing values as `NaN`.
    /// `columns` is the JSON array of the column names (`ServedModel.columnsJSON`).
    static func features(_ values: [Double], columns: String, featureCount: Int) -> String {
        var text = "{\"columns\":\(columns),\"data\":["
        for (k, value) in values.enumerated() {
            if k % max(featureCount, 1) == 0 { text += k == 0 ? "[" : "],[" } else { text += "," }
            text += nonFinite(value) ?? "\(value)"
        }
        return text + (values.isEmpty ? "]}" : "]]}")
    }

    /// Row-major values without nesting (the Open Inference Protocol's `data`).
    static func flatList(_ predictions: Predictions) -> String {
        "[" + predictions.values.map { number($0, float32: predictions.precision == .float32) }.joined(separator: ",") + "]"
    }

    /// A JSON number in the precision it was computed in (`0.3`, not `0.30000001192092896`, for
    /// a `Float` result); non-finite values as Python's `json` writes them (`NaN`, `Infinity`).
    static func number(_ value: Double, float32: Bool) -> String {
        nonFinite(value) ?? (float32 ? Float(value).description : value.description)
    }

    /// `NaN`, `Infinity` or `-Infinity` as Python's `json` writes them; nil for a finite value.
    static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return nil
    }
}
