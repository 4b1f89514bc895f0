import AviaryCore
import AviaryMonitoring
import Synchronization

/// A deployment being served: the model each variant runs now, and which variant answers a
/// request.
///
/// Models are swapped whole (`replace`) when an alias moves; a request keeps the model it
/// started with, so a swap drops nothing.
public final class Deployment: Sendable {
    /// The checked spec this deployment serves.
    public let spec: DeploymentSpec
    /// The header whose value pins a caller to a variant, parsed once.
    let stickyHeader: DeploymentHeaders.Name?
    /// The variants that score every request besides the answering one.
    public let shadows: [DeploymentSpec.Variant]
    /// Serving variants with the end of their slot range in 0..<10,000, for `assign`; variants
    /// of weight 0 get an empty range and are never picked.
    private let slots: [(end: Int, variant: DeploymentSpec.Variant)]
    /// Where each request's inputs, outputs, variant and latency go; nil logs nothing.
    public let log: PredictionLogWriter?
    /// The scheduled checks, with the reference data and quality suite loaded; nil without `monitor`.
    public let monitor: WindowMonitor?
    /// Answered requests since start: `monitor.every_predictions` counts from here.
    public let answered = Atomic<Int>(0)
    private let models: Mutex<[String: ServedModel]>
    /// Request ids: a random prefix per process, then a counter.
    private let requestPrefix = Identifiers.newRunID().prefix(8)
    private let requests = Atomic<UInt64>(0)
    /// Draws for requests without a key: a Weyl sequence through SplitMix64's mixer, evenly
    /// spread and without the `getrandom` system call `Int.random` makes per request.
    private let draws = Atomic<UInt64>(UInt64.random(in: 0...UInt64.max))

    /// - Parameter models: the loaded model of every variant, by variant name.
    public init(spec: DeploymentSpec, models: [String: ServedModel], log: PredictionLogWriter? = nil, monitor: WindowMonitor? = nil) {
        precondition(spec.variants.allSatisfy { models[$0.name] != nil }, "every variant needs a model")
        self.spec = spec
        self.stickyHeader = DeploymentHeaders.Name(spec.stickyHeader)
        self.shadows = spec.variants.filter(\.shadow)
        var end = 0
        self.slots = spec.serving.map { variant in
            end += variant.weight * 100
            return (end, variant)
        }
        self.log = log
        self.monitor = monitor
        self.models = Mutex(models)
    }

    /// The model `variant` runs now.
    public func model(for variant: String) -> ServedModel {
        models.withLock { $0[variant]! }
    }

    /// Every variant with the version it serves now, for the monitors and the gate.
    public var servingVersions: [WindowMonitor.Variant] {
        spec.variants.map { WindowMonitor.Variant(name: $0.name, version: model(for: $0.name).version ?? "", shadow: $0.shadow) }
    }

    /// The variant named `name`, or the one following alias `name` (`models:/…@name`).
    public func variant(named name: String) -> DeploymentSpec.Variant? {
        spec.variants.first { $0.name == name } ?? spec.variants.first { $0.model.hasSuffix("@\(name)") }
    }

    /// Points `variant` at another model from the next request on.
    public func replace(variant: String, with model: ServedModel) {
        models.withLock { $0[variant] = model }
    }

    /// The serving variant for a request. With a key, the same key always gets the same
    /// variant (as long as the weights stay), across restarts too; without one, a random draw.
    public func assign(key: String?) -> DeploymentSpec.Variant {
        let slot = Int((key.map(Self.fnv1a) ?? Self.mix(draws.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue)) % 10_000)
        // Weights sum to 100 (the spec checks), so the last range ends at 10,000 and every slot has one.
        return slots.first { slot < $0.end }!.variant
    }

    /// A new id for a request, unique within this process and, by its random prefix, across
    /// restarts. Ids increase, so the log's request-id index grows at its right edge instead
    /// of taking random inserts.
    func nextRequestID() -> String {
        let hex = String(requests.wrappingAdd(1, ordering: .relaxed).newValue, radix: 16)
        return "\(requestPrefix)\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }

    /// SplitMix64's output function.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a, 64-bit: stable across processes, unlike Swift's seeded `Hasher`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }

    /// Live quality of every variant over its newest `window` labelled requests of the version
    /// it serves now; metrics that are not finite are left out.
    public func liveQuality(log: PredictionLogWriter, window: Int) throws -> [(variant: WindowMonitor.Variant, rows: Int, metrics: [String: Double])] {
        let labeled = try log.store.labeled(deployment: spec.name, since: 0)
        return try servingVersions.map { variant in
            let rows = labeled.filter { $0.variant == variant.name && $0.modelVersion == variant.version }.suffix(window)
            var metrics = try WindowMonitor.quality(task: spec.task, Array(rows))
            let count = metrics.removeValue(forKey: "rows") ?? 0
            return (variant, Int(count), metrics.filter(\.value.isFinite))
        }
    }
}
