import AviaryFuzzing
import Foundation
import Testing

/// Every seed of the fuzz corpus and every input a fuzzer once crashed on (`fuzz/Regressions`,
/// kept under the name of the test that explains it) runs through the same entry points in the
/// ordinary test build, so a finding stays fixed without a fuzzer.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fuzz").standardized

    static func inputs(of target: FuzzTarget) -> [URL] {
        ["Corpus", "Regressions"].flatMap { folder -> [URL] in
            let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
            return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []).sorted { $0.path < $1.path }
        }
    }

    @Test("every seed and past finding of each target runs to the end", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        let inputs = Self.inputs(of: target)
        #expect(!inputs.isEmpty, "fuzz/Corpus/\(target.rawValue) holds the seeds")
        for input in inputs {
            try Data(contentsOf: input).withUnsafeBytes { target.run($0) }
        }
    }
}
