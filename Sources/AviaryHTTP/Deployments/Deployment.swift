import AviaryCore
import AviaryDeployments
import AviaryMonitoring
import Foundation
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
    /// The variants (indices into `spec.variants`) that score every request besides the answering one.
    let shadows: [Int]
    /// Which serving variant `assign` picks.
    private let split: TrafficSplit
    /// Where each request's inputs, outputs, variant and latency go; nil logs nothing.
    public let log: PredictionLogWriter?
    /// The scheduled checks, with the reference data and quality suite loaded; nil without `monitor`.
    public let monitor: WindowMonitor?
    /// Answered requests since start: `monitor.every_predictions` counts from here.
    public let answered = Atomic<Int>(0)
    /// Shadow scorings started and not yet finished, at most `maximumShadowsInFlight`.
    private let shadowsInFlight = Atomic<Int>(0)
    /// Shadow scorings skipped because that many were already running.
    public let shadowsSkipped = Atomic<Int>(0)
    /// How many shadow scorings may run at once. Each holds its request's body and a core, off
    /// the response path; under a flood, more would only queue, with their bodies, without bound.
    public let maximumShadowsInFlight: Int
    /// What each variant serves now, in `spec.variants` order.
    private let lanes: Mutex<[Lane]>
    /// Request ids: a random prefix per process (30 bits), then a counter.
    private let requestPrefix = UInt64.random(in: 0..<(1 << 30))
    private let requests = Atomic<UInt64>(0)
    /// Draws for requests without a key: a Weyl sequence (mixed by `TrafficSplit`), evenly
    /// spread and without the `getrandom` system call `Int.random` makes per request.
    private let draws = Atomic<UInt64>(UInt64.random(in: 0...UInt64.max))

    /// - Parameter models: the loaded model of every variant, by variant name.
    /// - Parameter maximumShadowsInFlight: shadow scorings at once; more are skipped and counted.
    public init(
        spec: DeploymentSpec, models: [String: ServedModel], log: PredictionLogWriter? = nil, monitor: WindowMonitor? = nil,
        maximumShadowsInFlight: Int = 2 * ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.maximumShadowsInFlight = max(1, maximumShadowsInFlight)
        precondition(spec.variants.allSatisfy { models[$0.name] != nil }, "every variant needs a model")
        self.spec = spec
        self.stickyHeader = DeploymentHeaders.Name(spec.stickyHeader)
        self.shadows = spec.variants.indices.filter { spec.variants[$0].shadow }
        self.split = TrafficSplit(spec.variants)
        self.log = log
        self.monitor = monitor
        self.lanes = Mutex(spec.variants.map { Lane(variant: $0, model: models[$0.name]!, deployment: spec.name, log: log) })
    }

    /// Takes one of the shadow slots; false (counted in `shadowsSkipped`) when all are taken.
    func reserveShadow() -> Bool {
        guard shadowsInFlight.wrappingAdd(1, ordering: .relaxed).newValue <= maximumShadowsInFlight else {
            shadowsInFlight.wrappingSubtract(1, ordering: .relaxed)
            shadowsSkipped.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back a slot `reserveShadow` took.
    func releaseShadow() {
        shadowsInFlight.wrappingSubtract(1, ordering: .relaxed)
    }

    /// The model `variant` runs now.
    public func model(for variant: String) -> ServedModel {
        lane(spec.variants.firstIndex { $0.name == variant }!).model
    }

    /// What the variant at `index` of `spec.variants` serves now.
    func lane(_ index: Int) -> Lane {
        lanes.withLock { $0[index] }
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
        let index = spec.variants.firstIndex { $0.name == variant }!
        let lane = Lane(variant: spec.variants[index], model: model, deployment: spec.name, log: log)
        lanes.withLock { $0[index] = lane }
    }

    /// The serving variant for a request. With a key, the same key always gets the same
    /// variant (as long as the weights stay), across restarts too; without one, a random draw.
    public func assign(key: String?) -> DeploymentSpec.Variant {
        spec.variants[assignedIndex(key: key)]
    }

    /// `assign` as an index into `spec.variants`.
    func assignedIndex(key: String?) -> Int {
        if let key { return split.index(key: key) }
        return split.index(draw: draws.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue)
    }

    /// A new id for a request, unique within this process and, by its random group, across
    /// restarts (`RequestID`). Ids increase, so each prediction-log block covers a narrow range.
    func nextRequestID() -> String {
        RequestID.make(group: requestPrefix, number: requests.wrappingAdd(1, ordering: .relaxed).newValue)
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

/// A variant with the model it serves now, the response header values that name them, the metrics
/// its answers count in and its source in the prediction log, built once per model instead of
/// once per request.
final class Lane: Sendable {
    let variant: DeploymentSpec.Variant
    let model: ServedModel
    /// `X-Aviary-Model-Version`: the model's registry version, empty for a path.
    let versionHeader: String
    /// Answered `/deployments/{name}/invocations` requests and their latency.
    let invocations: ScoringMetrics.Endpoint
    /// Answered Open Inference Protocol requests and their latency.
    let openInference: ScoringMetrics.Endpoint
    /// This variant and model in the prediction log (`PredictionLogWriter.add`); nil without a log.
    let logSource: Int?

    init(variant: DeploymentSpec.Variant, model: ServedModel, deployment: String, log: PredictionLogWriter?) {
        self.variant = variant
        self.model = model
        self.logSource = log?.add(PredictionBatch.Source(
            deployment: deployment, variant: variant.name, modelVersion: model.version ?? "", shadow: variant.shadow, columns: model.columnsJSON
        ))
        self.versionHeader = model.version ?? ""
        self.invocations = model.metrics.endpoint(DeploymentScoring.Wire.mlflow.endpoint)
        self.openInference = model.metrics.endpoint(DeploymentScoring.Wire.openInference.endpoint)
    }

    /// Where an answered request in `wire`'s format is counted.
    func metrics(_ wire: DeploymentScoring.Wire) -> ScoringMetrics.Endpoint {
        switch wire {
        case .mlflow: invocations
        case .openInference: openInference
        }
    }
}
