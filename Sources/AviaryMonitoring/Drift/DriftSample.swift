/// One column of one dataset as the drift tests see it: missing values and infinities
/// dropped, numbers kept as numbers, everything else as labels.
enum DriftSample {
    case numbers([Double])
    case labels([String])

    var count: Int {
        switch self {
        case .numbers(let values): values.count
        case .labels(let values): values.count
        }
    }

    init(_ column: DataColumn) {
        switch column.kind {
        case .numeric:
            self = .numbers(column.numbers.filter(\.isFinite))
        case .categorical:
            self = .labels(column.codes.compactMap { $0 < 0 ? nil : column.categories[Int($0)] })
        case .boolean, .datetime:
            self = .labels((0..<column.count).compactMap { column.text(at: $0) })
        }
    }
}

/// Counts of each distinct value, in first-seen order over reference then current.
struct ValueCounts {
    var keys: [String] = []
    var reference: [Double] = []
    var current: [Double] = []

    init(reference referenceSample: DriftSample, current currentSample: DriftSample) {
        var index: [String: Int] = [:]
        func add(_ key: String, toReference: Bool) {
            let k: Int
            if let existing = index[key] {
                k = existing
            } else {
                k = keys.count
                index[key] = k
                keys.append(key)
                reference.append(0)
                current.append(0)
            }
            if toReference { reference[k] += 1 } else { current[k] += 1 }
        }
        for (sample, isReference) in [(referenceSample, true), (currentSample, false)] {
            switch sample {
            case .labels(let values): values.forEach { add($0, toReference: isReference) }
            case .numbers(let values): values.forEach { add(Self.key($0), toReference: isReference) }
            }
        }
    }

    /// Equal numbers share a key (0.0 and -0.0 too, as pandas counts them).
    static func key(_ value: Double) -> String {
        value == 0 ? "0" : value.description
    }
}
