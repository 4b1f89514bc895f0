import AviaryCore
import Foundation

/// Turns what the prediction log keeps back into tables and numbers: a window's features as a
/// `DataTable`, and lists of numbers (ground truth) from their JSON text.
public enum LoggedValues {
    /// The features of `records` (one model's inputs) as a table with one numeric column per
    /// feature; the column names are parsed once per distinct list.
    public static func table(_ records: [PredictionRecord]) throws -> DataTable {
        var names: [String] = []
        var namesText = ""
        var columns: [[Double]] = []
        for record in records {
            if record.columns != namesText {
                guard let parsed = try? JSONSerialization.jsonObject(with: Data(record.columns.utf8)) as? [String] else {
                    throw AviaryError.invalid("request \(record.requestID): the logged column names are not a list of strings")
                }
                guard columns.isEmpty || parsed == names else {
                    throw AviaryError.invalid("request \(record.requestID): its columns \(parsed) differ from the window's \(names); the variants' models must share their inputs")
                }
                names = parsed
                namesText = record.columns
                if columns.isEmpty {
                    columns = Array(repeating: [], count: names.count)
                    for k in columns.indices { columns[k].reserveCapacity(records.count) }
                }
            }
            guard !names.isEmpty, record.features.count % names.count == 0 else {
                throw AviaryError.invalid("request \(record.requestID): \(record.features.count) logged values do not fill rows of \(names.count) columns")
            }
            for (k, value) in record.features.enumerated() { columns[k % names.count].append(value) }
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
