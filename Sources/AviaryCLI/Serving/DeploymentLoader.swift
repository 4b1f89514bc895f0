import AviaryCore
import AviaryHTTP
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

    /// Every variant loaded, or the first failure, naming the variant.
    func load() async throws -> Deployment {
        var models: [String: ServedModel] = [:]
        for variant in spec.variants {
            do {
                models[variant.name] = try await load(variant)
            } catch let failure as CommandFailure {
                throw CommandFailure("Deployment '\(spec.name)', variant '\(variant.name)': \(failure.description)")
            }
        }
        return Deployment(spec: spec, models: models, log: try openLog())
    }

    private func openLog() throws -> PredictionLogWriter? {
        guard let settings = spec.predictionLog else { return nil }
        let path = settings.path.hasPrefix("/") ? settings.path : directory.appendingPathComponent(settings.path).path
        do {
            return PredictionLogWriter(
                store: try SQLitePredictionLog(path: path), flushInterval: .milliseconds(Int(settings.flushSeconds * 1000)),
                retention: settings.retentionDays.map { .seconds(Int($0 * 86_400)) }
            )
        } catch let error as AviaryError {
            throw CommandFailure("Deployment '\(spec.name)': \(error.message)")
        }
    }

    func load(_ variant: DeploymentSpec.Variant) async throws -> ServedModel {
        let locator = ModelLocator(argument: variant.model, tracking: tracking)
        let package = try await locator.load()
        let version = try await locator.registeredVersion()
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
                    let version = try await ModelLocator(argument: variant.model, tracking: tracking).registeredVersion()
                    guard version != deployment.model(for: variant.name).version else { continue }
                    deployment.replace(variant: variant.name, with: try await load(variant))
                    reported[variant.name] = nil
                    Self.say("Deployment '\(spec.name)': variant '\(variant.name)' now serves \(variant.model) version \(version ?? "?")")
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
