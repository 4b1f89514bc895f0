import AviaryModels

/// Writes predictions as JSON text directly (no intermediate objects): the reply of every
/// scoring request goes through here.
enum PredictionEncoding {
    /// `[0.1,0.9]` for one output per row, `[[0.2,0.8],[0.6,0.4]]` for several.
    static func nestedList(_ predictions: Predictions) -> String {
        var text = "["
        text.reserveCapacity(predictions.values.count * 12 + 2)
        for i in 0..<predictions.rowCount {
            if i > 0 { text += "," }
            if predictions.width == 1 {
                text += number(predictions.values[i], predictions)
            } else {
                text += "["
                text += predictions.row(i).map { number($0, predictions) }.joined(separator: ",")
                text += "]"
            }
        }
        return text + "]"
    }

    /// A batch's feature rows as `{"columns":[…],"data":[[…],…]}`; missing values as `NaN`.
    /// `columns` is the JSON array of the column names (`ServedModel.columnsJSON`).
    static func features(_ batch: FeatureBatch, columns: String) -> String {
        var text = "{\"columns\":\(columns),\"data\":["
        for row in 0..<batch.rowCount {
            if row > 0 { text += "," }
            text += "["
            for column in 0..<batch.featureCount {
                if column > 0 { text += "," }
                let value = batch.columns[column][row]
                text += nonFinite(value) ?? "\(value)"
            }
            text += "]"
        }
        return text + "]}"
    }

    /// Row-major values without nesting (the Open Inference Protocol's `data`).
    static func flatList(_ predictions: Predictions) -> String {
        "[" + predictions.values.map { number($0, predictions) }.joined(separator: ",") + "]"
    }

    /// A JSON number; non-finite values as Python's `json` writes them (`NaN`, `Infinity`).
    static func number(_ value: Double, _ predictions: Predictions) -> String {
        nonFinite(value) ?? predictions.formatted(value)
    }

    /// `NaN`, `Infinity` or `-Infinity` as Python's `json` writes them; nil for a finite value.
    static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return nil
    }
}
