@testable import AviaryMonitoring
import Testing

/// The monitor sorts its reference once; the drift verdicts must not change for it.
@Suite("Window monitor")
struct WindowMonitorTests {
    @Test("drift against the pre-sorted reference equals drift against the reference as read")
    func sortedReference() throws {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func column(_ name: String, _ n: Int, shift: Double) -> DataColumn {
            DataColumn(name: name, kind: .numeric, numbers: (0..<n).map { k in k % 97 == 0 ? .nan : next() + shift })
        }
        let reference = DataTable(columns: [column("a", 3000, shift: 0), column("b", 3000, shift: 0)], rowCount: 3000)
        let current = DataTable(columns: [column("a", 800, shift: 0.02), column("b", 800, shift: 0.3)], rowCount: 800)
        let asRead = try DriftDetector.compare(reference: reference, current: current)
        let presorted = try DriftDetector.compare(reference: WindowMonitor.sortedNumbers(reference), current: current)
        #expect(asRead.columns.map(\.score) == presorted.columns.map(\.score))
        #expect(asRead.columns.map(\.drifted) == presorted.columns.map(\.drifted) && asRead.columns[1].drifted, "b is shifted by 0.3")
    }
}
