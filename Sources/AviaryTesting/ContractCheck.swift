import Testing

/// One named check of a store contract, run against each backend by a parameterised test;
/// its name is the test case's label.
public struct ContractCheck<Subject: Sendable>: Sendable, CustomTestStringConvertible {
    public let name: String
    public let run: @Sendable (Subject) async throws -> Void
    public var testDescription: String { name }

    public init(name: String, run: @escaping @Sendable (Subject) async throws -> Void) {
        self.name = name
        self.run = run
    }
}
