import AviaryStoreSQLite
import AviaryTesting
import AviaryTracking
import Foundation
import Testing

@Suite("SQLite tracking store contract")
struct SQLiteTrackingStoreContractTests {
    @Test("contract", arguments: TrackingStoreContract.checks)
    func contract(_ check: TrackingStoreContract.Check) async throws {
        let database = try AviaryDatabase.inMemory()
        try await check.run(TrackingService(store: SQLiteTrackingStore(database: database, defaultArtifactRoot: "mlflow-artifacts:")))
    }

    @Test("data written through a file-backed pool is there after reopening")
    func reopen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("db.sqlite").path
        var runID = ""
        do {
            let database = try AviaryDatabase.open(path: path, defaultArtifactRoot: "mlflow-artifacts:")
            let service = TrackingService(store: SQLiteTrackingStore(database: database, defaultArtifactRoot: "mlflow-artifacts:"))
            runID = try await service.createRun(experimentID: nil, userID: "", runName: "kept", startTime: nil, tags: []).info.runID
            try await service.logBatch(runID: runID, metrics: [Metric(key: "m", value: 3, timestamp: 1, step: 1)], params: [], tags: [])
        }
        let reopened = try AviaryDatabase.open(path: path, defaultArtifactRoot: "mlflow-artifacts:")
        let service = TrackingService(store: SQLiteTrackingStore(database: reopened, defaultArtifactRoot: "mlflow-artifacts:"))
        let run = try await service.run(id: runID)
        #expect(run.info.runName == "kept")
        #expect(run.metrics.map(\.value) == [3])
    }
}
