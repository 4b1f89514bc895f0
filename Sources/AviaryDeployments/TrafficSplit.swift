import AviaryCore

/// Which serving variant of a deployment answers a request, by the variants' weights.
///
/// The 10,000 slots of a basis point are cut into one range per serving variant, its weight
/// (a whole percent) times 100 long; shadows and weight-0 variants get none. A request falls
/// into a slot by its caller key (FNV-1a, so the same key keeps its variant across processes
/// and restarts while the weights stay) or by a random draw.
public struct TrafficSplit: Sendable {
    /// A serving variant's slots; a struct, not a tuple, because generic code over a tuple type
    /// looks the tuple's metadata up at run time on every call.
    @usableFromInline
    struct Slot: Sendable {
        /// The end of the variant's slot range.
        @usableFromInline let end: Int
        /// The variant's index in the spec's `variants`.
        @usableFromInline let index: Int
    }

    @usableFromInline let slots: [Slot]

    /// The split of `variants`, whose serving weights sum to 100 (`DeploymentSpec` checks it).
    public init(_ variants: [DeploymentSpec.Variant]) {
        var end = 0
        slots = variants.indices.filter { !variants[$0].shadow }.map { index in
            end += variants[index].weight * 100
            return Slot(end: end, index: index)
        }
    }

    /// The index in `variants` of the variant that serves the caller `key`.
    @inlinable
    public func index(key: String) -> Int {
        index(slot: Int(Self.fnv1a(key) % 10_000))
    }

    /// The index in `variants` of the variant a request without a key gets, from a 64-bit
    /// counter or random value (mixed here, so consecutive values spread evenly).
    @inlinable
    public func index(draw: UInt64) -> Int {
        index(slot: Int(SplitMix64.mix(draw) % 10_000))
    }

    @inlinable
    func index(slot: Int) -> Int {
        // The last range ends at 10,000, so every slot has one.
        for candidate in slots where slot < candidate.end { return candidate.index }
        return slots[slots.count - 1].index
    }

    /// FNV-1a, 64-bit: stable across processes, unlike Swift's seeded `Hasher`.
    @inlinable
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
