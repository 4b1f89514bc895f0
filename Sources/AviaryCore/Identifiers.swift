/// Identifier generation shared by every store.
public enum Identifiers {
    /// A new run id: 32 lowercase hexadecimal characters, like MLflow's `uuid.uuid4().hex`.
    public static func newRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return String(unsafeUninitializedCapacity: 32) { id in
            Hex.write(high, into: id, at: 0)
            Hex.write(low, into: id, at: 16)
            return 32
        }
    }

    /// Whether `value` has the shape of a run id (used before touching the store).
    public static func isRunID(_ value: String) -> Bool {
        value.utf8.count == 32 && value.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
