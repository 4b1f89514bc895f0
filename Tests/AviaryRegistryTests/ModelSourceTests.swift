import AviaryCore
import Testing
@testable import AviaryRegistry

@Suite("Model version sources")
struct ModelSourceTests {
    static let root = "/srv/aviary/artifacts"

    /// One case per traversal pattern behind MLflow's CVE-2023-1177, CVE-2023-2356,
    /// CVE-2023-6977 and CVE-2025-11201.
    @Test("sources that reach outside the artifact store are refused", arguments: [
        "../../etc/passwd",
        "mlflow-artifacts:/1/../../../etc/passwd",
        "runs:/abc/../../../etc/passwd",
        "models:/m/../../etc/passwd",
        "s3://bucket/../../etc",
        "mlflow-artifacts:/1/%2e%2e/%2e%2e/etc/passwd",
        "mlflow-artifacts:/1/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "mlflow-artifacts:/1/%252e%252e/%252e%252e/etc/passwd",
        "mlflow-artifacts:/1/%25252e%25252e/etc",
        "mlflow-artifacts:/1\\..\\..\\etc\\passwd",
        "..\\..\\etc\\passwd",
        "//proc/self/root/etc/passwd",
        "/proc/self/root/etc/passwd",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "file://localhost/etc/passwd",
        "file:///srv/aviary/artifacts/../../../etc/passwd",
        "file:///srv/aviary/artifacts-evil/model",
        "/etc/passwd",
        "relative/model",
        "mlflow-artifacts:/1/model%00.txt",
        "ftp://host/model",
        "",
    ])
    func refused(source: String) {
        #expect {
            try ModelSource.validate(source, artifactRoot: Self.root)
        } throws: { error in
            (error as? AviaryError)?.code == .invalidParameterValue
        }
    }

    @Test("artifact URIs, registry URIs, remote stores and files inside the store are accepted", arguments: [
        "mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts/model",
        "runs:/0123456789abcdef0123456789abcdef/model",
        "models:/m/1",
        "s3://bucket/path/model",
        "file:///srv/aviary/artifacts/1/run/artifacts/model",
        "/srv/aviary/artifacts/1/run/artifacts/model",
        "mlflow-artifacts:/1/run/artifacts/model..v2",
    ])
    func accepted(source: String) throws {
        try ModelSource.validate(source, artifactRoot: Self.root)
    }

    @Test("alias rules: word characters and dashes, not 'latest' nor v<digits>, at most 255")
    func aliases() throws {
        for alias in ["champion", "challenger-2", "a_b", "v1a", "version"] {
            try RegistryService.validateAlias(alias)
        }
        for alias in ["", "latest", "Latest", "v1", "V42", "a b", "a/b", "a.b", String(repeating: "a", count: 256)] {
            #expect(throws: AviaryError.self, "\(alias)") { try RegistryService.validateAlias(alias) }
        }
    }

    @Test("model names cannot hold '/' or ':'")
    func names() throws {
        try RegistryService.validateModelName("fraud detector v2")
        for name in ["", "  ", "a/b", "a:b", ".", ".."] {
            #expect(throws: AviaryError.self, "\(name)") { try RegistryService.validateModelName(name) }
        }
    }
}
