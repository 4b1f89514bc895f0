import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for the MLflow REST API of a running server, for the CLI.
struct TrackingClient: Sendable {
    let baseURL: URL

    /// GET `path` with query items; returns the decoded JSON object.
    func get(_ path: String, _ query: [String: String] = [:]) async throws -> [String: Any] {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        if !query.isEmpty { components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        guard let url = components?.url else { throw CommandFailure("Cannot build a request URL for \(path)") }
        return try await send(URLRequest(url: url))
    }

    /// POST a JSON body to `path`; returns the decoded JSON object.
    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        return try await send(request)
    }

    /// GET `path` and return the raw body (artifact downloads).
    func download(_ path: String) async throws -> Data {
        try await exchange(URLRequest(url: baseURL.appendingPathComponent(path)))
    }

    private func send(_ request: URLRequest) async throws -> [String: Any] {
        let data = try await exchange(request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Sends `request`; a non-2xx answer becomes a `CommandFailure` with the server's message.
    private func exchange(_ request: URLRequest) async throws -> Data {
        let data: Data
        let response: URLResponse
        do {
            // Detached: cancelling a URLSession task from a cancelled Swift task can crash
            // swift-corelibs-foundation ("a task that is not in the registry"), and deployments
            // cancel their alias refresh loops whenever they are replaced or stopped.
            (data, response) = try await Task.detached { try await URLSession.shared.data(for: request) }.value
        } catch {
            throw CommandFailure(
                "Cannot reach the tracking server at \(baseURL.absoluteString) (\(error.localizedDescription)). Start one with `aviary server`, or pass --tracking-uri."
            )
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let code = object?["error_code"] as? String ?? "HTTP \(status)"
            let message = object?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw CommandFailure("\(message) (\(code))")
        }
        return data
    }
}
