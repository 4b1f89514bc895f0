import AviaryCore
import Foundation

/// Reads back the JSON the prediction log writes: outputs as `[p, …]` or `[[p, …], …]`, inputs
/// as `{"columns": [...], "data": [[...], ...]}`. Both hold only numbers (and Python's `NaN`,
/// `Infinity`), so a number scanner reads them faster than a JSON parser.
public enum LoggedValues {
    /// A logged output array: its numbers row-major, and the numbers per row.
    public static func outputs(_ text: String) throws -> (values: [Double], width: Int) {
        let values = numbers(text[...])
        let rows = text.hasPrefix("[[") ? text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "]") ? 1 : 0) } - 1 : values.count
        guard rows > 0, values.count % rows == 0 else {
            throw AviaryError.invalid("a logged output '\(text.prefix(80))' is not a list of predictions")
        }
        return (values, values.count / rows)
    }

    /// The features of `records` (one model's inputs, as logged) as a table with one numeric
    /// column per feature.
    public static func table(_ records: [PredictionRecord]) throws -> DataTable {
        var names: [String] = []
        var columnsText = ""
        var columns: [[Double]] = []
        for record in records {
            let text = record.inputs
            guard text.hasPrefix("{\"columns\":"), let data = text.range(of: ",\"data\":") else {
                throw AviaryError.invalid("request \(record.requestID): the logged inputs are not {\"columns\": …, \"data\": …}")
            }
            let header = String(text[text.index(text.startIndex, offsetBy: 11)..<data.lowerBound])
            if header != columnsText {
                guard let parsed = try? JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String] else {
                    throw AviaryError.invalid("request \(record.requestID): the logged column names are not a list of strings")
                }
                guard columns.isEmpty || parsed == names else {
                    throw AviaryError.invalid("request \(record.requestID): its columns \(parsed) differ from the window's \(names); the variants' models must share their inputs")
                }
                names = parsed
                columnsText = header
                if columns.isEmpty { columns = Array(repeating: [], count: names.count) }
            }
            let values = numbers(text[data.upperBound...])
            guard !names.isEmpty, values.count % names.count == 0 else {
                throw AviaryError.invalid("request \(record.requestID): \(values.count) logged values do not fill rows of \(names.count) columns")
            }
            for (k, value) in values.enumerated() { columns[k % names.count].append(value) }
        }
        let rowCount = columns.first?.count ?? 0
        return DataTable(columns: zip(names, columns).map { DataColumn(name: $0, kind: .numeric, numbers: $1) }, rowCount: rowCount)
    }

    /// Every number in `text`, in order; brackets, commas and quoted text are skipped.
    public static func numbers(_ text: Substring) -> [Double] {
        var values: [Double] = []
        var utf8 = Array(text.utf8)
        utf8.append(0)
        utf8.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var i = 0
            let end = buffer.count - 1
            while i < end {
                let byte = buffer[i]
                switch byte {
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"), UInt8(ascii: "I"):
                    // strtod reads NaN, Infinity and -Infinity as Python's json writes them.
                    var next: UnsafeMutablePointer<CChar>?
                    let value = strtod(base + i, &next)
                    let consumed = next.map { $0 - (base + i) } ?? 0
                    if consumed > 0 {
                        values.append(value)
                        i += consumed
                    } else {
                        i += 1
                    }
                case UInt8(ascii: "\""):
                    i += 1
                    while i < end && buffer[i] != UInt8(ascii: "\"") { i += buffer[i] == UInt8(ascii: "\\") ? 2 : 1 }
                    i += 1
                default:
                    i += 1
                }
            }
        }
        return values
    }
}
