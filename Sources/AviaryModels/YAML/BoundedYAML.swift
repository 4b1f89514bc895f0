// CYaml is not a product of Yams: it is importable because this target depends on the Yams
// product, and SwiftPM exposes the C modules of the dependency closure. `internal import`
// keeps it out of this module's interface.
internal import CYaml
import AviaryCore
import Foundation
import Yams

/// The one way Aviary reads YAML a user wrote (MLmodel files, deployment specs, quality suites):
/// bounded before anything is built.
///
/// A first pass runs libyaml's event parser — the C parser Yams itself uses — over the text and
/// refuses oversized text, deep nesting, too many nodes and aliases before Yams composes a tree.
/// Yams expands every alias into a full copy, so a one-kilobyte "billion laughs" document
/// (anchors nine levels deep, ten aliases each) hangs a request and exhausts memory; an alias
/// used as a mapping key blows up even the composing. The pass is linear in the text, builds
/// nothing and never expands an alias; on a 2 KB MLmodel it adds about 30 µs to Yams' 530 µs.
public enum BoundedYAML {
    /// What a document may hold.
    public struct Limits: Sendable {
        /// UTF-8 bytes of text.
        public var maxBytes: Int
        /// Collections open at once. Yams composes recursively, about 1.5 KiB of stack a level;
        /// libyaml alone stops only near 1,000.
        public var maxDepth: Int
        /// Scalars, collections and aliases; with aliases allowed, counted after expansion, which
        /// bounds everything done with the tree later.
        public var maxNodes: Int
        /// false refuses the first `&anchor` or `*alias`; true accepts them, each alias counting
        /// as its whole anchored subtree.
        public var allowsAliases: Bool

        /// Hand-written documents: deployment specs and quality suites (a suite that
        /// `aviary monitor suggest` writes for a table of thousands of columns included).
        public static let handWritten = Limits(maxBytes: 16 << 20, maxDepth: 64, maxNodes: 1_000_000, allowsAliases: false)
        /// MLmodel files: PyYAML's `safe_dump`, which MLflow uses, writes `&id001`/`*id001` when
        /// one list or mapping appears twice, so aliases are allowed, their expansion bounded. The
        /// signature is one JSON string of some 50 bytes a column: 64 MiB holds a million columns.
        public static let mlmodel = Limits(maxBytes: 64 << 20, maxDepth: 64, maxNodes: 20_000, allowsAliases: true)
    }

    /// The document as Foundation values (`[String: Any]`, `[Any]`, `String`, `Int`, `Double`,
    /// `Bool`, `NSNull`), nil when empty. Errors name `field`, and the line and column.
    public static func load(_ text: String, field: String, limits: Limits) throws -> Any? {
        try check(text, field: field, limits: limits)
        do {
            return try Yams.compose(yaml: text)?.any
        } catch {
            throw AviaryError.invalid("\(field) is not valid YAML: \(error)")
        }
    }

    /// Throws when `text` breaks `limits`; syntax errors are left to Yams, which describes them.
    static func check(_ text: String, field: String, limits: Limits) throws {
        var text = text
        guard text.utf8.count <= limits.maxBytes else {
            throw AviaryError.invalid("\(field) is \(text.utf8.count) bytes; at most \(limits.maxBytes) are accepted")
        }
        let problem = text.withUTF8 { Self.scan($0, limits: limits) }
        if let problem {
            throw AviaryError.invalid("\(field), line \(problem.line), column \(problem.column): \(problem.message)")
        }
    }

    private struct Problem {
        let message: String
        let line: Int
        let column: Int
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, limits: Limits) -> Problem? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return Problem(message: "the YAML parser could not start", line: 0, column: 0) }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        // Open collections with their expanded size so far (and, for a mapping, whether its next
        // node is a key), and each anchor's expanded size.
        var open: [(anchor: String?, size: Int, isMapping: Bool, keyNext: Bool)] = []
        var anchored: [String: Int] = [:]
        var nodes = 0
        var event = yaml_event_t()
        func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
        func finished(_ size: Int, anchor: String?) {
            if let anchor { anchored[anchor] = size }
            guard !open.isEmpty else { return }
            open[open.count - 1].size += size
            if open[open.count - 1].isMapping { open[open.count - 1].keyNext.toggle() }
        }
        // yaml_parser_parse returns 0 on a syntax error; Yams reports it with context.
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            func problem(_ message: String) -> Problem {
                Problem(message: message, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            }
            let anchor: String?
            switch event.type {
            case YAML_STREAM_END_EVENT: return nil
            case YAML_SCALAR_EVENT: anchor = name(event.data.scalar.anchor)
            case YAML_SEQUENCE_START_EVENT: anchor = name(event.data.sequence_start.anchor)
            case YAML_MAPPING_START_EVENT: anchor = name(event.data.mapping_start.anchor)
            default: anchor = nil
            }
            if let anchor, !limits.allowsAliases {
                return problem("YAML anchors (&\(anchor)) and aliases are not accepted; write the value out in full")
            }
            // Yams turns every mapping key into a String and traps on one that is a list or a
            // mapping (`? [a]: b`); none of Aviary's documents has such a key.
            let isNode = [YAML_SCALAR_EVENT, YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT, YAML_ALIAS_EVENT].contains(event.type)
            if isNode, event.type != YAML_SCALAR_EVENT, let parent = open.last, parent.isMapping, parent.keyNext {
                return problem("a mapping key must be a plain value, not a list, a mapping or an alias")
            }
            switch event.type {
            case YAML_ALIAS_EVENT:
                let target = name(event.data.alias.anchor) ?? ""
                guard limits.allowsAliases else { return problem("YAML aliases (*\(target)) are not accepted; write the value out in full") }
                // An undefined alias counts one; Yams refuses it.
                let size = anchored[target] ?? 1
                nodes += size
                finished(size, anchor: nil)
            case YAML_SCALAR_EVENT:
                nodes += 1
                finished(1, anchor: anchor)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                nodes += 1
                guard open.count < limits.maxDepth else { return problem("nested deeper than \(limits.maxDepth) levels") }
                open.append((anchor, 1, event.type == YAML_MAPPING_START_EVENT, true))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let done = open.popLast() { finished(done.size, anchor: done.anchor) }
            default:
                break
            }
            guard nodes <= limits.maxNodes else {
                return problem("more than \(limits.maxNodes) nodes\(limits.allowsAliases ? " once aliases are expanded" : "")")
            }
        }
        return nil
    }
}
