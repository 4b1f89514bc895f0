import AviaryRegistry
import AviaryStoreSQLite
import AviaryTesting
import AviaryTracking
import Testing

@Suite("SQLite registry store contract")
struct SQLiteRegistryStoreContractTests {
    @Test("contract", arguments: RegistryStoreContract.checks)
    func contract(_ check: RegistryStoreContract.Check) async throws {
        let database = try AviaryDatabase.inMemory()
        let tracking = TrackingService(store: SQLiteTrackingStore(database: database, defaultArtifactRoot: "mlflow-artifacts:"))
        try await check.run(RegistryService(store: SQLiteRegistryStore(database: database), tracking: tracking, artifactRoot: "/tmp/aviary-artifacts"))
    }
}
