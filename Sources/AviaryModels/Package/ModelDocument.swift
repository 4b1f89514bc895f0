import AviaryCore
import Foundation

/// Typed reads from a parsed JSON / UBJSON document (`[String: Any]`, `[Any]`, numbers,
/// strings), with errors that name the path of the field that is missing or malformed.
struct ModelDocument {
    let value: Any
    let path: String

    init(_ value: Any, path: String = "") {
        self.value = value
        self.path = path
    }

    func child(_ key: String) throws -> ModelDocument {
        guard let object = value as? [String: Any] else { throw malformed("an object") }
        guard let child = object[key] else {
            throw AviaryError.invalid("model file has no '\(path.isEmpty ? key : path + "." + key)'")
        }
        return ModelDocument(child, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func optionalChild(_ key: String) -> ModelDocument? {
        guard let object = value as? [String: Any], let child = object[key], !(child is NSNull) else { return nil }
        return ModelDocument(child, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func string() throws -> String {
        guard let text = value as? String else { throw malformed("a string") }
        return text
    }

    func array() throws -> [ModelDocument] {
        guard let items = value as? [Any] else { throw malformed("an array") }
        return items.enumerated().map { ModelDocument($1, path: "\(path)[\($0)]") }
    }

    /// An integer, also accepted as a decimal string (XGBoost writes `"num_class": "3"`).
    func int() throws -> Int {
        if let text = value as? String, let number = Int(text) { return number }
        guard let number = ModelDocument.number(value), let exact = Int(exactly: number) else { throw malformed("an integer") }
        return exact
    }

    /// An array of numbers, whatever element type the parser produced.
    func numbers() throws -> [Double] {
        if let doubles = value as? [Double] { return doubles }
        if let floats = value as? [Float] { return floats.map(Double.init) }
        if let ints = value as? [Int] { return ints.map(Double.init) }
        guard let items = value as? [Any] else { throw malformed("an array of numbers") }
        return try items.map {
            guard let number = ModelDocument.number($0) else { throw malformed("an array of numbers") }
            return number
        }
    }

    func ints() throws -> [Int] {
        try numbers().map {
            guard let exact = Int(exactly: $0) else { throw malformed("an array of integers") }
            return exact
        }
    }

    func malformed(_ expected: String) -> AviaryError {
        AviaryError.invalid("model file field '\(path)' must be \(expected)")
    }

    static func number(_ value: Any) -> Double? {
        switch value {
        case let v as NSNumber: v.doubleValue
        case let v as Double: v
        case let v as Float: Double(v)
        case let v as Int: Double(v)
        case let v as Int64: Double(v)
        case let v as UInt8: Double(v)
        case let v as Bool: v ? 1 : 0
        default: nil
        }
    }
}

