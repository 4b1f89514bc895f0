import AviaryCodecs
import AviaryCore
import Foundation
import Testing

/// CSV records written with RFC 4180 quoting must read back as the same fields, whether they
/// come from memory or from a file read in 1 MiB chunks that split records anywhere.
@Suite("CSV reader")
struct CSVReaderTests {
    static func encode(_ records: [[String]], lineEnd: String = "\n") -> String {
        records.map { fields in
            fields.map { field in
                field.contains(where: { ",\"\n\r".contains($0) }) || field.hasPrefix(" ")
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: lineEnd) + lineEnd
    }

    static func readAll(_ reader: inout CSVReader) throws -> [[String]] {
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test("quoted separators, quotes and newlines, CRLF, empty fields")
    func quoting() throws {
        let records = [["a", "b,c", "say \"hi\""], ["", "multi\nline\r\nfield", ""], ["1.5", "NaN", "ünïcode"]]
        for lineEnd in ["\n", "\r\n"] {
            var reader = CSVReader(data: Data(Self.encode(records, lineEnd: lineEnd).utf8))
            #expect(try Self.readAll(&reader) == records)
        }
    }

    @Test("blank lines are skipped and line numbers count every line")
    func lineNumbers() throws {
        var reader = CSVReader(data: Data("h1,h2\n\n1,2\n\"x\ny\",3\n4,5".utf8))
        #expect(try reader.next() == ["h1", "h2"])
        #expect(try reader.next() == ["1", "2"])
        #expect(reader.line == 3)
        #expect(try reader.next() == ["x\ny", "3"])
        #expect(try reader.next() == ["4", "5"])
        #expect(reader.line == 6)
        #expect(try reader.next() == nil)
    }

    @Test("an unclosed quote is an error naming the line")
    func unclosedQuote() throws {
        var reader = CSVReader(data: Data("a,b\n1,\"open\n2,3\n".utf8))
        _ = try reader.next()
        let error = #expect(throws: AviaryError.self) { try reader.next() }
        #expect(error?.message.contains("line 2") == true)
    }

    @Test("a 4 MB file read in chunks gives back every record")
    func chunkBoundaries() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc,\"\n xyz0123456789.-")
        let records = (0..<20_000).map { _ in
            (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                String((0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-csv-\(UUID().uuidString).csv")
        try Data(Self.encode(records).utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var reader = CSVReader(fileHandle: try FileHandle(forReadingFrom: file))
        // A record of one empty field is written as a blank line, which the reader skips.
        #expect(try Self.readAll(&reader) == records.filter { $0 != [""] })
    }
}
