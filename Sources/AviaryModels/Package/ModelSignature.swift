import AviaryCore
import Foundation

/// The `signature.inputs` of an MLmodel file: a column list (`[{"name": "f0", "type": "double"}]`)
/// or one tensor (`[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 20]}}]`).
package enum ModelSignature {
    /// The schema the signature describes for a model with `featureCount` features, or nil
    /// when it says nothing a tree model can use (no inputs).
    package static func inputSchema(fromJSON text: String, featureCount: Int) throws -> InputSchema? {
        guard let data = text.data(using: .utf8),
              let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { throw AviaryError.invalid("MLmodel signature.inputs is not a JSON list of columns") }
        guard !entries.isEmpty else { return nil }
        if entries.count == 1, entries[0]["type"] as? String == "tensor" {
            let shape = (entries[0]["tensor-spec"] as? [String: Any])?["shape"] as? [Int] ?? []
            if shape.count == 2, shape[1] != -1, shape[1] != featureCount {
                throw AviaryError.invalid("MLmodel signature takes tensors of width \(shape[1]) but the model has \(featureCount) features")
            }
            return .positional(width: featureCount)
        }
        let columns = try entries.enumerated().map { index, entry -> InputSchema.Column in
            let name = entry["name"] as? String ?? "\(index)"
            let typeName = entry["type"] as? String ?? "?"
            guard let type = InputSchema.ColumnType(rawValue: typeName) else {
                throw AviaryError.invalid("MLmodel signature column '\(name)' has type \(typeName); Aviary's tree runtimes take double, float, long, integer or boolean columns")
            }
            return InputSchema.Column(name: name, type: type, required: entry["required"] as? Bool ?? true)
        }
        guard columns.count == featureCount else {
            throw AviaryError.invalid("MLmodel signature lists \(columns.count) columns but the model has \(featureCount) features")
        }
        return InputSchema(columns: columns, isNamed: entries.allSatisfy { $0["name"] is String })
    }
}
