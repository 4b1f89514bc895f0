/// One column of one dataset as the drift tests see it: missing values and infinities
/// dropped; numbers sorted (every numeric test, the binning and the distinct count read them
/// in order, so each column is sorted once); categories as codes into the column's labels.
enum DriftSample {
    case numbers(sorted: [Double])
    case categories(codes: [Int32], labels: [String])

    var count: Int {
        switch self {
        case .numbers(let values): values.count
        case .categories(let codes, _): codes.count
        }
    }

    var isNumeric: Bool {
        if case .numbers = self { return true }
        return false
    }

    init(_ column: DataColumn) {
        switch column.kind {
        case .numeric:
            let finite = column.numbers.filter(\.isFinite)
            // A reference a monitor compares against on every pass arrives sorted already.
            self = .numbers(sorted: zip(finite, finite.dropFirst()).allSatisfy { $0 <= $1 } ? finite : RadixSort.sorted(finite))
        case .categorical:
            self = .categories(codes: column.codes.filter { $0 >= 0 }, labels: column.categories)
        case .boolean, .datetime:
            // Booleans compare as two categories, as Evidently treats them.
            let texts = (0..<column.count).compactMap { column.text(at: $0) }
            let labels = Array(Set(texts)).sorted()
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
            self = .categories(codes: texts.map { index[$0]! }, labels: labels)
        }
    }
}

/// How often each distinct value occurs in the reference and in the current sample: numbers
/// in ascending order, categories by first appearance (reference, then current).
struct ValueCounts {
    /// The distinct categories (categorical samples).
    var labels: [String] = []
    /// The distinct numbers, ascending (numeric samples).
    var numbers: [Double] = []
    var reference: [Double] = []
    var current: [Double] = []

    var count: Int { reference.count }

    init(reference referenceSample: DriftSample, current currentSample: DriftSample) {
        switch (referenceSample, currentSample) {
        case (.numbers(let r), .numbers(let c)):
            mergeRuns(r, c)
        case (.categories(let rCodes, let rLabels), .categories(let cCodes, let cLabels)):
            var index: [String: Int] = [:]
            func unified(_ labels: [String]) -> [Int] {
                labels.map { label in
                    if let k = index[label] { return k }
                    index[label] = self.labels.count
                    self.labels.append(label)
                    return self.labels.count - 1
                }
            }
            // Only labels that occur count as values (a category list may hold unused entries).
            let rMap = unified(Self.used(rCodes, rLabels))
            let cMap = unified(Self.used(cCodes, cLabels))
            reference = Array(repeating: 0, count: labels.count)
            current = Array(repeating: 0, count: labels.count)
            let rCompact = Self.compaction(rCodes, rLabels.count)
            let cCompact = Self.compaction(cCodes, cLabels.count)
            for code in rCodes { reference[rMap[rCompact[Int(code)]]] += 1 }
            for code in cCodes { current[cMap[cCompact[Int(code)]]] += 1 }
        default:
            preconditionFailure("reference and current samples of different kinds")
        }
    }

    /// Distinct values of two sorted arrays with their counts, in one merge pass.
    private mutating func mergeRuns(_ r: [Double], _ c: [Double]) {
        var i = 0
        var j = 0
        while i < r.count || j < c.count {
            let value = j >= c.count || (i < r.count && r[i] <= c[j]) ? r[i] : c[j]
            var inReference = 0.0
            var inCurrent = 0.0
            while i < r.count, r[i] == value { inReference += 1; i += 1 }
            while j < c.count, c[j] == value { inCurrent += 1; j += 1 }
            numbers.append(value)
            reference.append(inReference)
            current.append(inCurrent)
        }
    }

    /// Distinct values of the reference alone.
    var referenceDistinct: Int { reference.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
    /// Distinct values of the current sample alone.
    var currentDistinct: Int { current.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// Labels whose code occurs, in code order.
    private static func used(_ codes: [Int32], _ labels: [String]) -> [String] {
        var seen = [Bool](repeating: false, count: labels.count)
        for code in codes { seen[Int(code)] = true }
        return labels.indices.filter { seen[$0] }.map { labels[$0] }
    }

    /// For each code, its position among the used codes.
    private static func compaction(_ codes: [Int32], _ labelCount: Int) -> [Int] {
        var seen = [Bool](repeating: false, count: labelCount)
        for code in codes { seen[Int(code)] = true }
        var position = [Int](repeating: -1, count: labelCount)
        var next = 0
        for k in 0..<labelCount where seen[k] {
            position[k] = next
            next += 1
        }
        return position
    }
}
