import AviaryStoreSQLite
import AviaryTracking
import Foundation
import Testing

/// `metricSeries` scans long histories in parallel step ranges on a real database file; the
/// merged result must be what one downsampler over the whole history gives.
@Suite("SQLite metric series")
struct SQLiteMetricSeriesTests {
    @Test("parallel range scans equal one pass, on both axes, skipping NaN", arguments: [MetricAxis.step, .time])
    func parallel(axis: MetricAxis) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-series-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AviaryDatabase.open(path: directory.appendingPathComponent("db.sqlite").path, defaultArtifactRoot: "mlflow-artifacts:")
        let service = TrackingService(store: SQLiteTrackingStore(database: database, defaultArtifactRoot: "mlflow-artifacts:"))
        let run = try await service.createRun(experimentID: "0", userID: "u", runName: "r", startTime: 1, tags: [])
        let id = run.info.runID
        // Steps 0, 37, 74, … span more than 100,000, so the store splits the scan.
        let count = 12_000
        let points = (0..<count).map { k -> Metric in
            let value: Double = k % 997 == 0 ? .nan : sin(Double(k) / 300) + Double(k % 13) / 10
            // Wall-clock time runs backwards, with ties, so the time axis does not follow steps.
            let timestamp: Int64 = 5_000_000 - Int64(k) * 3 + Int64(k % 7) * 50
            return Metric(key: "loss", value: value, timestamp: timestamp, step: Int64(k) * 37)
        }
        for batch in stride(from: 0, to: count, by: 1000) {
            try await service.logBatch(runID: id, metrics: Array(points[batch..<batch + 1000]), params: [], tags: [])
        }
        let stored = try await service.metricSeries(runID: id, key: "loss", axis: axis, columns: 300)
        let xs = points.map { Double(axis == .step ? $0.step : $0.timestamp) }
        var expected = MetricDownsampler(axis: axis, lower: xs.min()!, upper: xs.max()!, columns: 300)
        for point in points { expected.add(step: point.step, timestamp: point.timestamp, value: point.value) }
        #expect(stored == expected.series())
        #expect(stored.total == count && stored.count <= 1200)
        #expect(try await service.metricSeries(runID: id, key: "absent", axis: axis, columns: 300) == MetricSeries())
    }
}
