import AviaryCore
import AviaryDeployments
import AviaryHTTP
import AviaryServer
import Foundation
import Logging
import Prometheus

/// Starts, replaces and stops the deployments a server hosts, each with its background work:
/// following aliases, writing the prediction log, and running its monitors.
///
/// A replacement is loaded completely before it is swapped in, so a spec whose models do not
/// load leaves the running deployment serving its last good configuration.
actor DeploymentSupervisor: DeploymentManaging {
    let host: DeploymentHost
    let registry: PrometheusCollectorRegistry
    let tracking: TrackingServerOptions
    let maximumBodySize: Int
    let logger: Logger
    /// Where specs applied through the API are written, as NAME.yaml, to come back after a
    /// restart; relative paths in them are taken from there. nil keeps nothing.
    let specDirectory: URL?
    private var tasks: [String: [Task<Void, Never>]] = [:]

    init(host: DeploymentHost, registry: PrometheusCollectorRegistry, tracking: TrackingServerOptions, maximumBodySize: Int, logger: Logger,
         specDirectory: URL?) {
        self.host = host
        self.registry = registry
        self.tracking = tracking
        self.maximumBodySize = maximumBodySize
        self.logger = logger
        self.specDirectory = specDirectory
    }

    /// Reads, checks and starts the spec in `file`; errors name the file and the field. A kept
    /// spec (`fromAPI`) came through the API and is held to the API's rules again.
    func start(file: URL, fromAPI: Bool = false) async throws {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw CommandFailure("Cannot read the deployment spec \(file.path): \(error.localizedDescription)")
        }
        do {
            let spec = try DeploymentSpec(yaml: text)
            if fromAPI { try Self.checkRemote(spec) }
            try await start(spec, directory: file.deletingLastPathComponent(), fromAPI: fromAPI)
        } catch let error as AviaryError {
            throw CommandFailure("\(file.path): \(error.message)")
        }
    }

    /// Starts every `*.yaml` spec kept in `specDirectory`; one that fails is reported and skipped.
    func restoreKept() async {
        guard let specDirectory, let names = try? FileManager.default.contentsOfDirectory(atPath: specDirectory.path) else { return }
        for name in names.sorted() where name.hasSuffix(".yaml") {
            do {
                try await start(file: specDirectory.appendingPathComponent(name), fromAPI: true)
            } catch {
                DeploymentLoader.say("Warning: kept deployment \(name) not started: \(error)")
            }
        }
    }

    func apply(_ spec: DeploymentSpec, text: String) async throws {
        guard let specDirectory else {
            throw AviaryError.invalid("this server keeps no deployment specs; start it with a data directory")
        }
        try Self.checkRemote(spec)
        do {
            try await start(spec, directory: specDirectory, fromAPI: true)
        } catch let failure as CommandFailure {
            throw AviaryError.invalid(failure.description)
        }
        try FileManager.default.createDirectory(at: specDirectory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: specDirectory.appendingPathComponent("\(spec.name).yaml"), options: .atomic)
    }

    func remove(_ name: String) async throws {
        await stop(name)
        host.remove(name)
        if let specDirectory { try? FileManager.default.removeItem(at: specDirectory.appendingPathComponent("\(name).yaml")) }
    }

    /// The prefix an API spec's `alerts.secret_env` must have: the variables an operator set
    /// aside for webhook keys, not any secret the server's environment happens to hold.
    static let webhookSecretPrefix = "AVIARY_WEBHOOK_"

    /// A spec sent over HTTP may use only what the server itself holds: models and artifacts
    /// from its registry and artifact store (`models:/`, `runs:/`, `mlflow-artifacts:/`), and
    /// files inside its deployments directory. It may not run programs, read host paths or
    /// sign webhooks with arbitrary environment variables: whoever can reach the API is not
    /// necessarily allowed a shell on the server. Spec files given on the command line are the
    /// operator's and may do all of that.
    static func checkRemote(_ spec: DeploymentSpec) throws {
        if spec.alerts?.command != nil {
            throw AviaryError.invalid("alerts.command: not accepted through the API (it would run a program on the server); put it in a spec file passed to --deployment")
        }
        if let secret = spec.alerts?.secretEnvironment, !secret.hasPrefix(webhookSecretPrefix) {
            throw AviaryError.invalid("alerts.secret_env: through the API it must name a variable starting with \(webhookSecretPrefix), e.g. \(webhookSecretPrefix)SECRET; got \(secret)")
        }
        for (k, variant) in spec.variants.enumerated() where !ArtifactReference.isServerHeld(variant.model, models: true) {
            throw AviaryError.invalid("variants[\(k)].model: '\(variant.model)' is not a model this server holds; through the API give models:/NAME/VERSION, models:/NAME@ALIAS or runs:/RUN_ID/PATH")
        }
        let paths = [("prediction_log.path", spec.predictionLog?.path), ("monitor.reference", spec.monitor?.reference.flatMap { $0 == "training" ? nil : $0 }),
                     ("monitor.quality_suite", spec.monitor?.qualitySuite)]
        for case let (field, path?) in paths where field == "prediction_log.path" || !ArtifactReference.isServerHeld(path, models: false) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !path.contains("\\"), !path.contains(":"), !parts.contains(".."), !parts.contains("") else {
                let artifact = field == "prediction_log.path" ? "" : ", or an artifact (runs:/RUN_ID/PATH or mlflow-artifacts:/PATH),"
                throw AviaryError.invalid("\(field): '\(path)' must be a plain relative path inside the deployments directory\(artifact) when the spec comes through the API")
            }
        }
    }

    /// Stops every deployment's background work, writing the last queued log records.
    func stopAll() async {
        for name in tasks.keys { await stop(name) }
    }

    /// Loads `spec`, then swaps it in and starts its background work.
    private func start(_ spec: DeploymentSpec, directory: URL, fromAPI: Bool) async throws {
        let loader = DeploymentLoader(
            spec: spec, directory: directory, tracking: tracking, registry: registry, maximumBodySize: maximumBodySize, fromAPI: fromAPI
        )
        let deployment = try await loader.load()
        let metrics = MonitorMetrics(registry: registry, deployment: spec.name)
        let alerts = try AlertDispatcher(deployment: spec.name, settings: try loader.alertSettings(), metrics: metrics, logger: logger)
        await stop(spec.name)
        host.put(deployment)
        var running = [
            Task { await loader.keepCurrent(deployment) },
            Task { await DeploymentMonitorService(deployment: deployment, alerts: alerts, metrics: metrics, logger: logger).run() },
        ]
        if let log = deployment.log {
            running.append(Task { await log.run { DeploymentLoader.say("Warning: the prediction log could not be written (retried at the next flush): \($0)") } })
        }
        tasks[spec.name] = running
        var loadedBy: [String: String] = [:]
        for variant in spec.variants {
            let served = deployment.model(for: variant.name)
            let share = variant.shadow ? "shadow" : "\(variant.weight)%"
            let source = loader.source(of: variant, version: served.version)
            let model = loadedBy[source].map { "shares \($0)'s loaded model" } ?? served.package.predictor.summary
            if loadedBy[source] == nil { loadedBy[source] = variant.name }
            DeploymentLoader.say("  \(spec.name)/\(variant.name) (\(share)): \(variant.model), version \(served.version ?? "-"), \(model)")
        }
    }

    private func stop(_ name: String) async {
        for task in tasks.removeValue(forKey: name) ?? [] {
            task.cancel()
            await task.value
        }
        try? host.deployment(named: name)?.log?.flush()
    }
}
