import AviaryTracking
import Foundation
import Testing

/// M4 downsampling keeps, per pixel column, exactly the extremes the full line reaches, in any
/// arrival order and across merged parts.
@Suite("Metric downsampler")
struct MetricDownsamplerTests {
    static func downsample(_ steps: some Sequence<Int>, _ y: [Double], columns: Int = 600, lower: Int, upper: Int) -> MetricDownsampler {
        var downsampler = MetricDownsampler(axis: .step, lower: Double(lower), upper: Double(upper), columns: columns)
        for step in steps { downsampler.add(step: Int64(step), timestamp: Int64(step) * 10, value: y[step]) }
        return downsampler
    }

    @Test("short histories are kept whole, in step order, without non-finite values")
    func short() {
        var y = (0..<10).map { Double($0 * $0) }
        y[3] = .nan
        y[7] = .infinity
        let series = Self.downsample((0..<10).reversed(), y, lower: 0, upper: 9).series()
        #expect(series.steps == [0, 1, 2, 4, 5, 6, 8, 9])
        #expect(series.values == [0, 1, 4, 16, 25, 36, 64, 81])
        #expect(series.timestamps == series.steps.map { $0 * 10 })
        #expect(series.total == 10)
    }

    @Test("long histories keep each column's first, last, lowest and highest point", arguments: [2_401, 100_000, 1_000_003])
    func long(count: Int) {
        var generator = SplitMix(seed: UInt64(count))
        let y = (0..<count).map { k in sin(Double(k) / 900) + generator.unit() * 0.3 + (k == count / 3 ? 50 : 0) }
        let columns = 600
        let series = Self.downsample(0..<count, y, columns: columns, lower: 0, upper: count - 1).series()
        #expect(series.total == count)
        #expect(series.count <= 4 * columns)
        #expect(series.steps == series.steps.sorted() && Set(series.steps).count == series.count)
        #expect(series.steps.first == 0 && series.steps.last == Int64(count - 1))
        #expect(series.steps.contains(Int64(count / 3)), "the spike survives")
        // Brute force: per column, the extremes of all points equal the extremes of the kept ones.
        let scale = Double(columns) / Double(count - 1)
        func column(_ step: Int) -> Int { min(columns - 1, Int(Double(step) * scale)) }
        var full = [ClosedRange<Double>?](repeating: nil, count: columns)
        var drawn = full
        for step in 0..<count { full[column(step)] = full[column(step)].map { min($0.lowerBound, y[step])...max($0.upperBound, y[step]) } ?? y[step]...y[step] }
        for (step, value) in zip(series.steps, series.values) {
            #expect(y[Int(step)] == value)
            drawn[column(Int(step))] = drawn[column(Int(step))].map { min($0.lowerBound, value)...max($0.upperBound, value) } ?? value...value
        }
        #expect(full == drawn)
    }

    @Test("parts scanned separately and merged give what one pass gives")
    func merge() {
        var generator = SplitMix(seed: 7)
        let count = 50_000
        let y = (0..<count).map { _ in generator.unit() }
        let whole = Self.downsample(0..<count, y, lower: 0, upper: count - 1).series()
        var first = Self.downsample(0..<20_000, y, lower: 0, upper: count - 1)
        first.merge(Self.downsample(20_000..<count, y, lower: 0, upper: count - 1))
        #expect(first.series() == whole)
        var small = Self.downsample(0..<5, y, lower: 0, upper: 9)
        small.merge(Self.downsample(5..<10, y, lower: 0, upper: 9))
        #expect(small.series().steps == Array(0..<10))
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
