import AviaryCore
import AviaryRegistry
import AviaryTracking
import Testing

/// The behaviour every `RegistryStore` backend must show, written once and run per backend,
/// through `RegistryService` (so it covers validation and storage together).
public enum RegistryStoreContract {
    public typealias Check = ContractCheck<RegistryService>

    static let source = "mlflow-artifacts:/0/run/artifacts/model"

    /// Creates `name` with `count` versions.
    static func seed(_ service: RegistryService, _ name: String, versions count: Int) async throws {
        _ = try await service.createRegisteredModel(name: name, description: nil, tags: [])
        for _ in 0..<count {
            _ = try await service.createModelVersion(name: name, source: source, runID: nil, runLink: nil, description: nil, tags: [], modelID: nil)
        }
    }

    /// Every check of the contract.
    public static let checks: [Check] = [
        Check(name: "create, get, duplicate, rename and delete registered models") { service in
            let model = try await service.createRegisteredModel(name: "m", description: "d", tags: [Tag(key: "k", value: "v")])
            #expect(model.name == "m" && model.description == "d" && model.tags == [Tag(key: "k", value: "v")])
            #expect(try await service.registeredModel(named: "m") == model)
            await expectAviaryError(.resourceAlreadyExists) { _ = try await service.createRegisteredModel(name: "m", description: nil, tags: []) }
            _ = try await service.createRegisteredModel(name: "other", description: nil, tags: [])
            await expectAviaryError(.resourceAlreadyExists) { _ = try await service.renameRegisteredModel("m", to: "other") }
            #expect(try await service.renameRegisteredModel("m", to: "n").name == "n")
            await expectAviaryError(.resourceDoesNotExist) { _ = try await service.registeredModel(named: "m") }
            try await service.deleteRegisteredModel("n")
            await expectAviaryError(.resourceDoesNotExist) { try await service.deleteRegisteredModel("n") }
            await expectAviaryError(.invalidParameterValue) { _ = try await service.createRegisteredModel(name: "a/b", description: nil, tags: []) }
        },
        Check(name: "versions are numbered from 1 and never reused; latest version per stage") { service in
            try await seed(service, "m", versions: 3)
            try await service.deleteModelVersion("m", version: "3")
            let fourth = try await service.createModelVersion(name: "m", source: source, runID: nil, runLink: nil, description: nil, tags: [], modelID: nil)
            #expect(fourth.version == 4 && fourth.currentStage == .none)
            _ = try await service.transitionStage("m", version: "1", stage: "production", archiveExistingVersions: false)
            let latest = try await service.latestVersions("m", stages: [])
            #expect(latest.map(\.version) == [1, 4])
            #expect(try await service.latestVersions("m", stages: ["Production"]).map(\.version) == [1])
            await expectAviaryError(.invalidParameterValue) { _ = try await service.latestVersions("m", stages: ["Prod"]) }
            await expectAviaryError(.resourceDoesNotExist) { _ = try await service.modelVersion("m", version: "3") }
            await expectAviaryError(.invalidParameterValue) { _ = try await service.modelVersion("m", version: "one") }
        },
        Check(name: "transition with archive_existing_versions archives the others in that stage") { service in
            try await seed(service, "m", versions: 3)
            _ = try await service.transitionStage("m", version: "1", stage: "Production", archiveExistingVersions: false)
            _ = try await service.transitionStage("m", version: "2", stage: "Staging", archiveExistingVersions: false)
            _ = try await service.transitionStage("m", version: "3", stage: "Production", archiveExistingVersions: true)
            let stages = try await (1...3).asyncMap { try await service.modelVersion("m", version: String($0)).currentStage }
            #expect(stages == [.archived, .staging, .production])
        },
        Check(name: "aliases set, move, resolve, follow renames and vanish with their version") { service in
            try await seed(service, "m", versions: 2)
            try await service.setAlias("m", alias: "champion", version: "1")
            try await service.setAlias("m", alias: "champion", version: "2")
            #expect(try await service.modelVersion("m", alias: "champion").version == 2)
            #expect(try await service.modelVersion("m", version: "2").aliases == ["champion"])
            await expectAviaryError(.resourceDoesNotExist) { try await service.setAlias("m", alias: "x", version: "9") }
            await expectAviaryError(.invalidParameterValue) { try await service.setAlias("m", alias: "latest", version: "1") }
            _ = try await service.renameRegisteredModel("m", to: "m2")
            #expect(try await service.registeredModel(named: "m2").aliases == [ModelAlias(alias: "champion", version: 2)])
            try await service.deleteModelVersion("m2", version: "2")
            #expect(try await service.registeredModel(named: "m2").aliases.isEmpty)
            await expectAviaryError(.invalidParameterValue) { _ = try await service.modelVersion("m2", alias: "champion") }
        },
        Check(name: "tags and descriptions on models and versions") { service in
            try await seed(service, "m", versions: 1)
            try await service.setRegisteredModelTag("m", Tag(key: "owner", value: "ana"))
            try await service.setModelVersionTag("m", version: "1", Tag(key: "ok", value: "a\u{0}b"))
            _ = try await service.updateModelVersion("m", version: "1", description: "text")
            let version = try await service.modelVersion("m", version: "1")
            #expect(version.tags == [Tag(key: "ok", value: "a\u{0}b")] && version.description == "text")
            #expect(try await service.registeredModel(named: "m").tags == [Tag(key: "owner", value: "ana")])
            try await service.deleteModelVersionTag("m", version: "1", key: "ok")
            #expect(try await service.modelVersion("m", version: "1").tags.isEmpty)
        },
        Check(name: "search models and versions: filters, order, tag != matches untagged, paging") { service in
            for name in ["a-1", "a-2", "a-3", "b-1"] {
                try await seed(service, name, versions: 2)
            }
            try await service.setRegisteredModelTag("a-2", Tag(key: "hidden", value: "true"))
            let visible = try await service.searchRegisteredModels(filter: "name LIKE 'a-%' AND tags.hidden != 'true'", orderBy: ["name DESC"], maxResults: nil, pageToken: nil)
            #expect(visible.items.map(\.name) == ["a-3", "a-1"])
            var names: [String] = []
            var token: String?
            repeat {
                let page = try await service.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 3, pageToken: token)
                names += page.items.map(\.name)
                token = page.nextPageToken
            } while token != nil
            #expect(names == ["a-1", "a-2", "a-3", "b-1"])
            let versions = try await service.searchModelVersions(filter: "name = 'a-1' AND version_number > 1", orderBy: [], maxResults: nil, pageToken: nil)
            #expect(versions.items.map(\.version) == [2])
            let ordered = try await service.searchModelVersions(filter: "name IN ('a-1', 'b-1')", orderBy: ["name DESC", "version_number ASC"], maxResults: nil, pageToken: nil)
            #expect(ordered.items.map { "\($0.name)/\($0.version)" } == ["b-1/1", "b-1/2", "a-1/1", "a-1/2"])
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.searchRegisteredModels(filter: "version_number > 1", orderBy: [], maxResults: nil, pageToken: nil)
            }
            await expectAviaryError(.invalidParameterValue) {
                _ = try await service.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 1001, pageToken: nil)
            }
        },
    ]
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
