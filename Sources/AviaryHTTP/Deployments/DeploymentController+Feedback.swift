import AviaryCodecs
import AviaryCore
import AviaryMonitoring
import Foundation
import Hummingbird

/// The production loop's read-back routes: ground truth in, live quality, the monitor time
/// series and the promotion gate's verdict out.
///
/// - `POST /deployments/{name}/feedback` `{"feedback": [{"request_id": "…", "truth": 1}, …]}`:
///   `truth` is a number, or a list with one number per row the request scored. All or nothing:
///   an unknown id refuses the whole call.
/// - `GET /deployments/{name}/quality[?window=N]`: live quality per variant over its newest N
///   labelled requests (the spec's `monitor.live_window`, else 1,000).
/// - `GET /deployments/{name}/monitors[?since=MS]`: the monitor passes, oldest first.
/// - `GET /deployments/{name}/gate?challenger=A&champion=B[&metric=M]`: whether A may replace B
///   (variant names or the aliases they follow), on the spec's gate metric or live metric M.
extension DeploymentController {
    /// Largest number of requests labelled in one feedback call.
    static var maximumFeedbackItems: Int { 100_000 }

    /// The deployment the route names, with its prediction log.
    func logged(_ context: Context) throws -> (Deployment, PredictionLogWriter) {
        let deployment = try deployment(context)
        guard let log = deployment.log else {
            throw AviaryError.invalid("Deployment '\(deployment.spec.name)' keeps no prediction log; add prediction_log to its spec")
        }
        return (deployment, log)
    }

    func feedback(_ request: Request, _ context: Context) async throws -> Response {
        let (deployment, log) = try logged(context)
        let body = try await ServedModel.collectBody(request, upTo: 64 << 20)
        let json = try body.withUnsafeReadableBytes { try JSONValue.parse($0) }
        guard case .array(let entries)? = json["feedback"], !entries.isEmpty else {
            throw AviaryError.invalid("feedback: required, a non-empty list of {\"request_id\": …, \"truth\": …}")
        }
        guard entries.count <= Self.maximumFeedbackItems else {
            throw AviaryError.invalid("feedback: at most \(Self.maximumFeedbackItems) items per call, got \(entries.count); send them in parts")
        }
        // A classifier's truth must be one of its classes (the widest variant's): a stored truth
        // beyond them would make live quality and the gate refuse every later pass.
        let classes = deployment.spec.task == .classification
            ? deployment.spec.variants.map { deployment.model(for: $0.name).package.predictor.outputWidth }.max() ?? 1 : nil
        var items: [Feedback] = []
        var seen = Set<String>()
        for (k, entry) in entries.enumerated() {
            guard case .string(let id)? = entry["request_id"], !id.isEmpty else {
                throw AviaryError.invalid("feedback[\(k)].request_id: required, the X-Request-Id the prediction was answered with")
            }
            guard seen.insert(id).inserted else { throw AviaryError.invalid("feedback[\(k)].request_id: '\(id)' is given twice") }
            let truth: [Double]
            switch entry["truth"] {
            case .number(let value)? where value.isFinite: truth = [value]
            case .array(let values)? where !values.isEmpty:
                truth = try values.map { value in
                    guard case .number(let number) = value, number.isFinite else {
                        throw AviaryError.invalid("feedback[\(k)].truth: every element must be a finite number, got \(value.kind)")
                    }
                    return number
                }
            default:
                throw AviaryError.invalid("feedback[\(k)].truth: required, a finite number or a list of them (one per row the request scored)")
            }
            if let classes {
                do {
                    try LiveQuality.checkClasses(truth, width: classes)
                } catch let error as AviaryError {
                    throw AviaryError.invalid("feedback[\(k)].\(error.message)")
                }
            }
            items.append(Feedback(requestID: id, truth: truth))
        }
        // Requests answered in the last flush interval are still queued: write them first, so
        // feedback for them is not refused as unknown.
        try log.flush()
        try log.store.recordFeedback(items, deployment: deployment.spec.name, timestamp: Int64(Date().timeIntervalSince1970 * 1000))
        return ServedModel.json("{\"recorded\":\(items.count)}")
    }

    func quality(_ request: Request, _ context: Context) throws -> Response {
        let (deployment, log) = try logged(context)
        let window = try Self.positiveInteger(request, "window") ?? deployment.spec.monitor?.liveWindow ?? 1000
        let variants = try deployment.liveQuality(log: log, window: window).map { quality -> [String: Any] in
            [
                "variant": quality.variant.name, "version": quality.variant.version, "shadow": quality.variant.shadow, "rows": quality.rows,
                "metrics": quality.metrics,
            ]
        }
        return try Self.json(["deployment": deployment.spec.name, "task": deployment.spec.task.rawValue, "window": window, "variants": variants])
    }

    func monitors(_ request: Request, _ context: Context) throws -> Response {
        let (deployment, log) = try logged(context)
        let passes = try log.store.monitorPasses(deployment: deployment.spec.name, since: try Self.since(request))
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let body = String(decoding: try encoder.encode(passes), as: UTF8.self)
        return ServedModel.json("{\"deployment\":\(try Self.jsonString(deployment.spec.name)),\"passes\":\(body)}")
    }

    func gate(_ request: Request, _ context: Context) throws -> Response {
        let (deployment, log) = try logged(context)
        func side(_ parameter: String, _ fallback: String) throws -> WindowMonitor.Variant {
            let name = request.uri.queryParameters[Substring(parameter)].map(String.init) ?? fallback
            guard let variant = deployment.variant(named: name), !variant.shadow else {
                let names = deployment.spec.serving.map(\.name).joined(separator: ", ")
                throw AviaryError.invalid("\(parameter): '\(name)' is not a serving variant of '\(deployment.spec.name)' (nor an alias one follows); its variants are \(names)")
            }
            return WindowMonitor.Variant(name: variant.name, version: deployment.model(for: variant.name).version ?? "", shadow: false)
        }
        let challenger = try side("challenger", "challenger")
        let champion = try side("champion", "champion")
        guard challenger.name != champion.name else { throw AviaryError.invalid("challenger and champion are the same variant '\(champion.name)'") }
        try log.flush()
        let labeled = try log.store.labeled(deployment: deployment.spec.name, since: 0)
        func rows(_ variant: WindowMonitor.Variant) -> [LabeledPrediction] {
            labeled.filter { $0.variant == variant.name && $0.modelVersion == variant.version && !$0.shadow }
        }
        var qualityFailures: [String]?
        if let suite = deployment.monitor?.suite, let window = deployment.monitor?.window {
            let inputs = try log.store.latest(deployment: deployment.spec.name, count: window * deployment.spec.serving.count)
                .filter { $0.variant == challenger.name && $0.modelVersion == challenger.version }
            if !inputs.isEmpty {
                qualityFailures = try QualityChecker.check(suite, on: try LoggedValues.table(inputs)).results.filter { !$0.passed }.map(\.summary)
            }
        }
        let settings = deployment.spec.gate
        let task = deployment.spec.task
        let testable = PromotionGate.testableMetrics(task)
        let metric = request.uri.queryParameters["metric"].map(String.init) ?? settings?.metric ?? testable[0]
        guard testable.contains(metric) else {
            throw AviaryError.invalid("metric: '\(metric)' is not a live metric for task \(task.rawValue); use one of \(testable.joined(separator: ", "))")
        }
        let decision = try PromotionGate.evaluate(
            task: task, metric: metric, alpha: settings?.alpha ?? 0.05,
            minSamples: settings?.minSamples ?? 100,
            champion: (champion.name, champion.version, rows(champion)), challenger: (challenger.name, challenger.version, rows(challenger)),
            qualityFailures: qualityFailures
        )
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return ServedModel.json(String(decoding: try encoder.encode(decision), as: UTF8.self))
    }

    /// `?since=` in milliseconds since 1970, 0 when absent.
    static func since(_ request: Request) throws -> Int64 {
        guard let raw = request.uri.queryParameters["since"] else { return 0 }
        guard let value = Int64(raw) else { throw AviaryError.invalid("since: milliseconds since 1970, got '\(raw)'") }
        return value
    }

    static func positiveInteger(_ request: Request, _ name: String) throws -> Int? {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let value = Int(raw), value > 0 else { throw AviaryError.invalid("\(name): a whole number above 0, got '\(raw)'") }
        return value
    }

    static func json(_ object: [String: Any]) throws -> Response {
        ServedModel.json(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    }

    static func jsonString(_ text: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
    }
}
