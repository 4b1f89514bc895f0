import AviaryCore
import Foundation
import Testing
@testable import AviaryMonitoring

/// Column kinds inferred from CSV text, missing values, overrides and the errors bad files get.
@Suite("CSV table reader")
struct CSVTableReaderTests {
    static func read(_ text: String, overrides: [String: DataColumn.Kind] = [:]) throws -> DataTable {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-table-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try CSVTableReader(overrides: overrides).read(file)
    }

    @Test("kinds are inferred from every value, and mixed columns become categorical")
    func inference() throws {
        let table = try Self.read("""
            n,i,b,d,c,mixed
            1.5,1,true,2024-01-02,x,1
            ,2,False,2024-01-03T10:00:00Z,"y, z",two
            inf,-3,,2024-01-04 10:00:00.5,x,3
            NaN,4,TRUE,,NA,4
            """)
        #expect(table.rowCount == 4)
        #expect(table.columns.map(\.kind) == [.numeric, .numeric, .boolean, .datetime, .categorical, .categorical])
        let n = try #require(table["n"])
        #expect(n.numbers[0] == 1.5 && n.numbers[1].isNaN && n.numbers[2] == .infinity && n.numbers[3].isNaN)
        #expect(!n.isIntegerTyped)
        #expect(table["i"]?.isIntegerTyped == true)
        #expect(table["b"]?.numbers.prefix(2) == [1, 0])
        #expect(table["d"]?.numbers[1] == 1_704_276_000)
        #expect(table["c"]?.categories == ["x", "y, z"])
        #expect(table["c"]?.codes == [0, 1, 0, -1])
        #expect(table["mixed"]?.categories == ["1", "two", "3", "4"])
    }

    @Test("overrides fix a column's kind; a value that does not fit is an error naming it")
    func overrides() throws {
        let table = try Self.read("code,v\n1,2\n2,3\n", overrides: ["code": .categorical])
        #expect(table["code"]?.kind == .categorical)
        #expect(table["code"]?.categories == ["1", "2"])
        let error = #expect(throws: AviaryError.self) { try Self.read("v\n1\nx\n", overrides: ["v": .numeric]) }
        #expect(error?.message.contains("'v'") == true)
    }

    @Test("bad files are refused with a one-line reason", arguments: [
        ("", "empty"),
        ("a,b\n", "no rows"),
        ("a,b\n1,2\n3\n", "line 3 has 1 fields"),
        ("a,b\n1,\"2\n", "never closed"),
    ])
    func badFiles(text: String, mentioning: String) throws {
        let error = #expect(throws: AviaryError.self) { try Self.read(text) }
        #expect(error?.message.contains(mentioning) == true, "\(error?.message ?? "")")
    }
}
