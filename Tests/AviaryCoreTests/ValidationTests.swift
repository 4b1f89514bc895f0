import Testing
@testable import AviaryCore

@Suite("Names, limits and tokens")
struct ValidationTests {
    @Test("keys MLflow accepts", arguments: ["acc", "val/loss", "a.b-c d:e", "ü_1", "x/y/z"])
    func acceptedKeys(key: String) throws {
        try Validation.validateKey(key, kind: "metric")
    }

    @Test("keys MLflow rejects", arguments: ["", "a/../b", "../a", "./a", "a//b", "a/", "/abs", "bad!char", "semi;colon", String(repeating: "k", count: 251)])
    func rejectedKeys(key: String) {
        #expect(throws: AviaryError.self) { try Validation.validateKey(key, kind: "metric") }
    }

    @Test("max_results bounds")
    func maxResults() throws {
        #expect(try Validation.validateMaxResults(50_000) == 50_000)
        #expect(throws: AviaryError.self) { try Validation.validateMaxResults(50_001) }
        #expect(throws: AviaryError.self) { try Validation.validateMaxResults(0) }
    }

    @Test("page tokens round-trip and foreign tokens are rejected")
    func pageTokens() throws {
        let token = PageToken(offset: 1234)
        #expect(try PageToken(decoding: token.encoded) == token)
        #expect(try PageToken(decoding: nil).offset == 0)
        #expect(throws: AviaryError.self) { try PageToken(decoding: "not-a-token") }
        #expect(throws: AviaryError.self) { try PageToken(decoding: "eyJvZmZzZXQiOiAtMX0=") }  // {"offset": -1}
    }

    @Test("run ids are 32 lowercase hex characters and unique")
    func runIDs() {
        let ids = (0..<1000).map { _ in Identifiers.newRunID() }
        #expect(ids.allSatisfy(Identifiers.isRunID))
        #expect(Set(ids).count == ids.count)
    }
}
