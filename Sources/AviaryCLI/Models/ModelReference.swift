import ArgumentParser

/// `NAME`, `NAME@ALIAS` or `NAME/VERSION`, as in `models:/` URIs.
struct ModelReference: ExpressibleByArgument, CustomStringConvertible {
    enum Selector {
        case model
        case alias(String)
        case version(String)
    }

    let name: String
    let selector: Selector

    init?(argument: String) {
        if let at = argument.lastIndex(of: "@") {
            name = String(argument[..<at])
            selector = .alias(String(argument[argument.index(after: at)...]))
        } else if let slash = argument.lastIndex(of: "/") {
            name = String(argument[..<slash])
            selector = .version(String(argument[argument.index(after: slash)...]))
        } else {
            name = argument
            selector = .model
        }
        if name.isEmpty { return nil }
    }

    var description: String {
        switch selector {
        case .model: name
        case .alias(let alias): "\(name)@\(alias)"
        case .version(let version): "\(name)/\(version)"
        }
    }

    /// The version number this reference selects, looked up through the server for an alias.
    func version(using client: TrackingClient) async throws -> String? {
        switch selector {
        case .model: return nil
        case .version(let version): return version
        case .alias(let alias):
            let response = try await client.get("api/2.0/mlflow/registered-models/alias", ["name": name, "alias": alias])
            return (response["model_version"] as? [String: Any])?["version"] as? String
        }
    }
}
