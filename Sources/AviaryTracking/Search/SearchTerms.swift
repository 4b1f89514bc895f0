/// One checked comparison of a search: a field of the searched entity, an operator, a value.
public struct SearchComparison<Key: Sendable & Equatable>: Sendable, Equatable {
    public var key: Key
    public var op: ComparisonOperator
    public var value: FilterValue

    public init(key: Key, op: ComparisonOperator, value: FilterValue) {
        self.key = key
        self.op = op
        self.value = value
    }
}

/// One checked ordering term of a search.
public struct SearchOrder<Key: Sendable & Equatable>: Sendable, Equatable {
    public var key: Key
    public var ascending: Bool

    public init(key: Key, ascending: Bool) {
        self.key = key
        self.ascending = ascending
    }
}

/// A comparison of `runs/search`.
public typealias RunComparison = SearchComparison<RunSearchKey>
/// An ordering term of `runs/search`.
public typealias RunOrder = SearchOrder<RunSearchKey>
/// A comparison of `experiments/search`.
public typealias ExperimentComparison = SearchComparison<ExperimentSearchKey>
/// An ordering term of `experiments/search`.
public typealias ExperimentOrder = SearchOrder<ExperimentSearchKey>
