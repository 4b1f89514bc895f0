import AviaryCore
import Foundation
import Testing
@testable import AviaryModels

/// YAML from users is bounded before Yams builds anything: a "billion laughs" document hung
/// the deployment API (issue 19), and an alias used as a mapping key blows up even composing.
@Suite("Bounded YAML")
struct BoundedYAMLTests {
    /// Nine levels of ten aliases each: 10^9 nodes once expanded, from under a kilobyte.
    static let billionLaughs: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// The same nesting with each level's aliases as mapping keys, hashed by the composer.
    static let keyBomb: String = {
        var lines = ["a0: &a0 [lol, lol]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) {" + (0..<6).map { "? [*a\(level - 1), \($0)] : x" }.joined(separator: ", ") + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test("hand-written documents refuse any anchor or alias, naming line and column")
    func handWrittenRefusesAliases() {
        let error = #expect(throws: AviaryError.self) { try BoundedYAML.load(Self.billionLaughs, field: "the spec", limits: .handWritten) }
        #expect(error?.message.contains("the spec, line 1") == true && error?.message.contains("anchors") == true, "\(error?.message ?? "")")
    }

    @Test("MLmodel files take aliases, but not past the node budget once expanded, nor as keys", arguments: [
        (billionLaughs, "once aliases are expanded"), (keyBomb, "a mapping key must be a plain value"),
    ])
    func mlmodelBoundsExpansion(text: String, refusal: String) {
        let error = #expect(throws: AviaryError.self) { try BoundedYAML.load(text, field: "MLmodel", limits: .mlmodel) }
        #expect(error?.message.contains(refusal) == true, "\(error?.message ?? "")")
    }

    @Test("PyYAML's &id001/*id001 for a list used twice loads as written out in full")
    func pyyamlSharedList() throws {
        let text = "a: &id001\n- 1\n- 2\nb: *id001\n"
        let document = try #require(try BoundedYAML.load(text, field: "MLmodel", limits: .mlmodel) as? [String: Any])
        #expect(document["a"] as? [Int] == [1, 2] && document["b"] as? [Int] == [1, 2])
    }

    @Test("nesting is bounded at 64 levels", arguments: [64, 65])
    func depth(levels: Int) {
        let text = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        if levels <= 64 {
            #expect(throws: Never.self) { try BoundedYAML.load(text, field: "the suite", limits: .handWritten) }
        } else {
            #expect(throws: AviaryError.self) { try BoundedYAML.load(text, field: "the suite", limits: .handWritten) }
        }
    }

    @Test("asterisks and ampersands inside scalars are text, not aliases", arguments: ["a: a*b\n", "a: \"*x\"\n", "a: [a&b, '*x']\n", "a: |\n  *x &y\n"])
    func scalarsWithMarks(text: String) throws {
        #expect(try BoundedYAML.load(text, field: "the spec", limits: .handWritten) is [String: Any])
    }

    @Test("a list, a mapping or an alias as a mapping key is refused: Yams traps on it (found by fuzzing all three YAML targets)", arguments: [
        "? [a]\n: b\n", "{values: x, [a, b]}\n", "? {a: 1}\n: b\n", "? - 2\n", "a: {[x]: 1}\n", "rules:\n  - {rule: x, [y]}\n",
    ])
    func collectionKeys(text: String) {
        for limits in [BoundedYAML.Limits.handWritten, .mlmodel] {
            let error = #expect(throws: AviaryError.self) { try BoundedYAML.load(text, field: "the spec", limits: limits) }
            #expect(error?.message.contains("a mapping key must be a plain value") == true, "\(error?.message ?? "")")
        }
        #expect(throws: AviaryError.self) { try BoundedYAML.load("a: &k [1]\n? *k\n: 2\n", field: "MLmodel", limits: .mlmodel) }
    }

    @Test("scalar keys of every style still load, values of every kind after them")
    func scalarKeys() throws {
        let document = try #require(try BoundedYAML.load("\"q\": [1, {x: y}]\n? plain\n: {n: [2]}\n'1': null\n", field: "the spec", limits: .handWritten) as? [String: Any])
        #expect(Set(document.keys) == ["q", "plain", "1"])
    }

    @Test("oversized text and syntax errors name the field")
    func sizeAndSyntax() {
        let big = #expect(throws: AviaryError.self) { try BoundedYAML.load(String(repeating: "a", count: (16 << 20) + 1), field: "the spec", limits: .handWritten) }
        #expect(big?.message.contains("bytes") == true)
        let broken = #expect(throws: AviaryError.self) { try BoundedYAML.load("a: [unclosed", field: "the spec", limits: .handWritten) }
        #expect(broken?.message.contains("the spec is not valid YAML") == true, "\(broken?.message ?? "")")
    }
}
