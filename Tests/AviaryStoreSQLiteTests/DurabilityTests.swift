import AviaryStoreSQLite
import Foundation
import GRDB
import Testing

/// `--durability`: every connection of the pool runs with the asked-for `synchronous` level.
@Suite("Durability")
struct DurabilityTests {
    @Test("normal keeps synchronous=NORMAL (1); full makes every connection synchronous=FULL (2)", arguments: [(false, 1), (true, 2)])
    func synchronousLevel(fullSync: Bool, expected: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-durability-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AviaryDatabase.open(path: directory.appendingPathComponent("a.db").path, defaultArtifactRoot: "mlflow-artifacts:", fullSync: fullSync)
        let written = try await database.writer.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        let read = try await database.writer.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(written == expected && read == expected)
    }
}
