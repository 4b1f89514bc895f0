import Foundation
@testable import AviaryHTTP
import Testing

/// M4 downsampling keeps, per pixel column, exactly the extremes a full line would reach.
@Suite("Series downsampler")
struct SeriesDownsamplerTests {
    @Test("short series are drawn point for point, without non-finite values")
    func short() {
        let x = (0..<10).map(Double.init)
        var y = x.map { $0 * $0 }
        y[3] = .nan
        y[7] = .infinity
        #expect(SeriesDownsampler.indices(x: x, y: y, columns: 600) == [0, 1, 2, 4, 5, 6, 8, 9])
    }

    @Test("long series keep each column's first, last, lowest and highest point", arguments: [2_401, 100_000, 1_000_003])
    func long(count: Int) {
        var generator = SplitMix(seed: UInt64(count))
        let x = (0..<count).map { Double($0) * 0.5 }
        let y = (0..<count).map { k in sin(Double(k) / 900) + generator.unit() * 0.3 + (k == count / 3 ? 50 : 0) }
        let columns = 600
        let kept = SeriesDownsampler.indices(x: x, y: y, columns: columns)
        #expect(kept.count <= 4 * columns)
        #expect(kept == kept.sorted() && Set(kept).count == kept.count)
        #expect(kept.first == 0 && kept.last == count - 1)
        #expect(kept.contains(count / 3), "the spike survives")
        // Brute force: per column, the extremes of all points equal the extremes of the kept ones.
        let scale = Double(columns) / (x[count - 1] - x[0])
        func column(_ index: Int) -> Int { min(columns - 1, Int((x[index] - x[0]) * scale)) }
        var full = [ClosedRange<Double>?](repeating: nil, count: columns)
        var drawn = full
        for index in 0..<count { full[column(index)] = full[column(index)].map { min($0.lowerBound, y[index])...max($0.upperBound, y[index]) } ?? y[index]...y[index] }
        for index in kept { drawn[column(index)] = drawn[column(index)].map { min($0.lowerBound, y[index])...max($0.upperBound, y[index]) } ?? y[index]...y[index] }
        #expect(full == drawn)
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
