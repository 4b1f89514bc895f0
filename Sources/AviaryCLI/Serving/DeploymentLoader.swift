import AviaryCore
import AviaryDeployments
import AviaryHTTP
import AviaryModels
import AviaryMonitoring
import AviaryStoreSQLite
import Foundation
import Prometheus

/// Loads the models of a deployment's variants the way `aviary serve MODEL` loads one, and
/// keeps variants that follow an alias (`models:/NAME@ALIAS`) on the version it points at.
struct DeploymentLoader {
    let spec: DeploymentSpec
    /// The spec file's directory: a relative prediction log path is taken from there.
    let directory: URL
    let tracking: TrackingServerOptions
    let registry: PrometheusCollectorRegistry
    let maximumBodySize: Int
    /// The spec came through the API (`DeploymentSupervisor.checkRemote`): models must come
    /// from the server's artifact store, and `training` data may not be a host path.
    let fromAPI: Bool

    /// Every variant loaded, or the first failure, naming the variant. Variants that resolve to
    /// the same model (path or registry version) share one loaded copy: a champion and a shadow
    /// on one version, or an A/B test of a model against itself, cost one model's memory and
    /// cache, not two.
    func load() async throws -> Deployment {
        var models: [String: ServedModel] = [:]
        var packages: [String: ModelPackage] = [:]
        for variant in spec.variants {
            do {
                let version = try await modelLocator(for: variant).registeredVersion()
                let key = source(of: variant, version: version)
                let served = try await load(variant, version: version, reusing: packages[key])
                packages[key] = served.package
                models[variant.name] = served
            } catch let failure as CommandFailure {
                throw CommandFailure("Deployment '\(spec.name)', variant '\(variant.name)': \(failure.description)")
            }
        }
        do {
            return Deployment(spec: spec, models: models, log: try openLog(), monitor: try await loadMonitor())
        } catch let error as AviaryError {
            throw CommandFailure("Deployment '\(spec.name)': \(error.message)")
        }
    }

    /// The monitor with its reference data and quality suite read.
    private func loadMonitor() async throws -> WindowMonitor? {
        guard let settings = spec.monitor else { return nil }
        var reference: DataTable?
        if let source = settings.reference {
            do {
                switch source == "training" ? try await trainingDataset() : try await file(source) {
                case .local(let url): reference = try CSVTableReader().read(url)
                case .fetched(let data, let name): reference = try CSVTableReader().read(data: data, name: name)
                }
            } catch let error as AviaryError {
                throw AviaryError.invalid("monitor.reference: \(error.message)")
            }
        }
        var suite: QualitySuite?
        if let path = settings.qualitySuite {
            do {
                let text = switch try await file(path) {
                case .local(let url): try String(contentsOf: url, encoding: .utf8)
                case .fetched(let data, _): String(decoding: data, as: UTF8.self)
                }
                suite = try QualitySuite(yaml: text, field: "the suite")
            } catch let error as AviaryError {
                throw AviaryError.invalid("monitor.quality_suite: \(error.message)")
            } catch {
                throw AviaryError.invalid("monitor.quality_suite: cannot read \(path): \(error.localizedDescription)")
            }
        }
        return WindowMonitor(
            task: spec.task, window: settings.window, reference: reference, driftShare: settings.driftShare, suite: suite,
            liveWindow: settings.liveWindow, thresholds: settings.thresholds.mapValues { ($0.min, $0.max) }
        )
    }

    /// A file a spec names: on this machine, or fetched from the artifact store.
    private enum SpecFile {
        case local(URL)
        case fetched(Data, name: String)
    }

    /// `source` as a file: an artifact URI is fetched through the proxy; a path is taken from
    /// the spec's directory.
    private func file(_ source: String) async throws -> SpecFile {
        guard ArtifactReference.isServerHeld(source, models: false) else { return .local(resolve(source)) }
        do {
            return .fetched(try await ArtifactReference(uri: source).fetch(using: tracking), name: URL(fileURLWithPath: source).lastPathComponent)
        } catch let failure as CommandFailure {
            throw AviaryError.invalid("cannot fetch \(source): \(failure.description)")
        }
    }

    /// The CSV logged (`mlflow.log_input(…, context="training")`) with the run behind the first
    /// serving variant's model version: the data that version was trained on.
    private func trainingDataset() async throws -> SpecFile {
        let variant = spec.serving[0]
        let locator = modelLocator(for: variant)
        guard let name = locator.registeredName, let version = try await locator.registeredVersion() else {
            throw AviaryError.invalid("'training' needs the first serving variant (\(variant.name)) to be a registered models:/ URI")
        }
        let client = try tracking.client
        let modelVersion = try await client.get("api/2.0/mlflow/model-versions/get", ["name": name, "version": version])["model_version"] as? [String: Any]
        guard let runID = modelVersion?["run_id"] as? String, !runID.isEmpty else {
            throw AviaryError.invalid("\(name) version \(version) records no run, so no training data; give a CSV path")
        }
        let run = try await client.get("api/2.0/mlflow/runs/get", ["run_id": runID])["run"] as? [String: Any]
        let inputs = ((run?["inputs"] as? [String: Any])?["dataset_inputs"] as? [[String: Any]]) ?? []
        func context(_ input: [String: Any]) -> String? {
            (input["tags"] as? [[String: Any]])?.first { $0["key"] as? String == "mlflow.data.context" }?["value"] as? String
        }
        guard let input = inputs.first(where: { context($0) == "training" }) ?? inputs.first,
              let dataset = input["dataset"] as? [String: Any], let sourceText = dataset["source"] as? String
        else {
            throw AviaryError.invalid("run \(runID) (\(name) version \(version)) logged no dataset; log it with mlflow.log_input(…, context=\"training\") or give a CSV path")
        }
        let source = (try? JSONSerialization.jsonObject(with: Data(sourceText.utf8))) as? [String: Any]
        guard let uri = source?["uri"] as? String ?? source?["path"] as? String else {
            throw AviaryError.invalid("the training dataset of run \(runID) has no file source (\(sourceText.prefix(100))); give a CSV path")
        }
        if ArtifactReference.isServerHeld(uri, models: false) { return try await file(uri) }
        // A dataset's source is whatever the client logged: through the API it must not make
        // the server read a file on its own disk.
        guard !fromAPI else {
            throw AviaryError.invalid("the training dataset of run \(runID) is the host path '\(uri)'; a spec sent through the API reads only artifacts: log the CSV with mlflow.log_artifact and give monitor.reference: runs:/RUN_ID/PATH")
        }
        let path = uri.hasPrefix("file://") ? String(uri.dropFirst("file://".count)) : uri
        guard path.hasPrefix("/"), FileManager.default.fileExists(atPath: path) else {
            throw AviaryError.invalid("the training dataset of run \(runID) is at '\(uri)', not a file on this machine; give a CSV path")
        }
        return .local(URL(fileURLWithPath: path))
    }

    /// The alert settings with the command's program found: a path with a `/` is taken from the
    /// spec's directory, a bare name from `PATH`.
    func alertSettings() throws -> DeploymentSpec.Alerts? {
        guard var alerts = spec.alerts else { return nil }
        if let program = alerts.command?.first {
            let candidates = program.contains("/")
                ? [resolve(program).path]
                : (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(program)" }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw CommandFailure("Deployment '\(spec.name)': alerts.command: '\(program)' is not an executable file (a path is taken from the spec's directory, a bare name from PATH)")
            }
            alerts.command?[0] = found
        }
        return alerts
    }

    /// How `variant`'s model is found and loaded.
    func modelLocator(for variant: DeploymentSpec.Variant) -> ModelLocator {
        ModelLocator(argument: variant.model, tracking: tracking, serverArtifactsOnly: fromAPI)
    }

    /// A path from the spec, relative to the spec's directory unless absolute.
    func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    }

    private func openLog() throws -> PredictionLogWriter? {
        guard let settings = spec.predictionLog else { return nil }
        do {
            return PredictionLogWriter(
                store: try SQLitePredictionLog(path: resolve(settings.path).path), flushInterval: .milliseconds(Int(settings.flushSeconds * 1000)),
                retention: settings.retentionDays.map { .seconds(Int($0 * 86_400)) }
            )
        } catch let error as AviaryError {
            throw CommandFailure("Deployment '\(spec.name)': \(error.message)")
        }
    }

    /// What `variant` serves at registry `version`: `models:/NAME/VERSION` for a registry URI,
    /// the URI or path as written otherwise.
    func source(of variant: DeploymentSpec.Variant, version: String?) -> String {
        guard let version, let name = modelLocator(for: variant).registeredName else { return variant.model }
        return "models:/\(name)/\(version)"
    }

    /// `variant` at registry `version` (nil for a path), with `package` if another variant has
    /// that model loaded already; with its own metrics either way.
    func load(_ variant: DeploymentSpec.Variant, version: String?, reusing loaded: ModelPackage?) async throws -> ServedModel {
        let locator = modelLocator(for: variant)
        let package: ModelPackage
        if let loaded { package = loaded } else { package = try await locator.load() }
        let name = locator.registeredName ?? package.name
        let metrics = ScoringMetrics(registry: registry, labels: [("deployment", spec.name), ("variant", variant.name)], model: name, version: version)
        return ServedModel(package: package, name: name, version: version, maximumBodySize: maximumBodySize, metrics: metrics)
    }

    /// Every `refresh_seconds`, looks the aliases up again and swaps in a variant's new version.
    /// A lookup or load that fails leaves the variant on its last good model and says so once.
    func keepCurrent(_ deployment: Deployment) async {
        guard spec.refreshSeconds > 0 else { return }
        let following = spec.variants.filter { $0.model.hasPrefix("models:/") && $0.model.contains("@") }
        var reported: [String: String] = [:]
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(spec.refreshSeconds))
            for variant in following {
                do {
                    let version = try await modelLocator(for: variant).registeredVersion()
                    guard version != deployment.model(for: variant.name).version else { continue }
                    let key = source(of: variant, version: version)
                    let loaded = deployment.spec.variants.first { source(of: $0, version: deployment.model(for: $0.name).version) == key }
                    let package = loaded.map { deployment.model(for: $0.name).package }
                    deployment.replace(variant: variant.name, with: try await load(variant, version: version, reusing: package))
                    reported[variant.name] = nil
                    let sharing = loaded.map { " (loaded once, shared with \($0.name))" } ?? ""
                    Self.say("Deployment '\(spec.name)': variant '\(variant.name)' now serves \(variant.model) version \(version ?? "?")\(sharing)")
                } catch {
                    let reason = (error as? CommandFailure)?.description ?? (error as? AviaryError)?.message ?? "\(error)"
                    if reported[variant.name] != reason {
                        reported[variant.name] = reason
                        Self.say("Warning: deployment '\(spec.name)', variant '\(variant.name)' keeps version \(deployment.model(for: variant.name).version ?? "?"): \(reason)")
                    }
                }
            }
        }
    }

    static func say(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}
