import Foundation
import Testing
@testable import AviaryMonitoring

/// numpy's binning rules, which Evidently's distances depend on.
@Suite("Histogram")
struct HistogramTests {
    @Test("Sturges bins: ceil(range / width) equal bins, the last edge exactly the maximum")
    func sturges() {
        let values = (0..<100).map { Double($0) / 10 }
        let edges = Histogram.sturgesEdges(values)
        // width = 9.9 / (log2(100) + 1) = 1.295…, so 8 bins.
        #expect(edges.count == 9)
        #expect(edges.first == 0 && edges.last == 9.9)
        #expect(Histogram.counts(values, edges: edges).reduce(0, +) == 100, "the maximum falls in the last, closed bin")
    }

    @Test("all-equal data gets one bin of width 1 around the value; integer data bins at least 1 wide")
    func degenerate() {
        #expect(Histogram.sturgesEdges([3, 3, 3]) == [2.5, 3.5])
        #expect(Histogram.sturgesEdges([0, 1, 2, 3, 4], integerData: true).count == 5)
        #expect(Histogram.sturgesEdges([0, 1, 2, 3, 4], integerData: false).count == 5)
        #expect(Histogram.sturgesEdges(Array(repeating: 0, count: 50) + [1], integerData: true).count == 2)
    }

    @Test("a value on an inner edge counts in the bin to its right")
    func edges() {
        #expect(Histogram.counts([0, 1, 1, 2], edges: [0, 1, 2]) == [1, 3])
        #expect(Histogram.counts([-1, 3], edges: [0, 1, 2]) == [0, 0])
    }

    @Test("values spanning more than a Double holds (±1e308) get Sturges' bin count, finite edges, every value counted")
    func overflowingRange() {
        // Issue 19: two logged requests with ±1e308 made the monitor pass trap on Int(NaN).
        for values in [[-1e308, 1e308], [-Double.greatestFiniteMagnitude, 0, 1, Double.greatestFiniteMagnitude], [0, .leastNonzeroMagnitude]] {
            let edges = Histogram.sturgesEdges(values)
            #expect(edges.allSatisfy(\.isFinite) && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "\(edges)")
            #expect(Histogram.counts(values, edges: edges).reduce(0, +) == Double(values.count))
        }
        #expect(Histogram.sturgesEdges([-1e308, 1e308]).count == 3)
    }

    @Test("every distance over a column reaching ±1e308 is a finite score (Hellinger's bin width overflowed to NaN)", arguments: [DriftMethod.hellinger, .psi, .kl_div, .jensenshannon])
    func distancesOverTheWholeRange(method: DriftMethod) throws {
        let values = (0..<60).map { k in k % 2 == 0 ? "\(Double(k) * 3e306)" : "-\(Double(k) * 3e306)" }
        let table = try CSVTableReader().read(data: Data(("x\n" + values.joined(separator: "\n") + "\n").utf8), name: "wide.csv")
        let shifted = try CSVTableReader().read(data: Data(("x\n" + values.dropFirst(10).joined(separator: "\n") + "\n").utf8), name: "shifted.csv")
        let report = try DriftDetector.compare(reference: table, current: shifted, options: DriftOptions(methods: ["x": method]))
        #expect(report.columns.first?.score.isFinite == true, "\(report.columns.first?.score ?? .nan)")
    }
}

/// The radix sort the drift tests rely on must agree with the standard library's sort.
@Suite("Radix sort")
struct RadixSortTests {
    @Test("random doubles of every sign and magnitude, ties, zeros and infinities")
    func agreesWithSorted() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 257, 10_000] {
            var values = (0..<size).map { _ in Double.random(in: -1e6...1e6, using: &generator) * pow(10, Double(Int.random(in: -300...300, using: &generator)) / 10) }
            values += [0, -0.0, .infinity, -.infinity, 1, 1, 1, -5, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
            #expect(RadixSort.sorted(values).map { $0 == 0 ? 0 : $0 } == values.sorted().map { $0 == 0 ? 0 : $0 })
        }
    }
}
