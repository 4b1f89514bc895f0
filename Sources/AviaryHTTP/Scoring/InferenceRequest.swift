import AviaryCodecs
import AviaryCore
import AviaryModels

/// An Open Inference Protocol `infer` body turned into a batch: either one input tensor of
/// shape `[rows, features]`, or one input per feature (shape `[rows]` or `[rows, 1]`), with
/// `data` flat (row-major) or nested.
package struct InferenceRequest {
    /// The request's `id`, echoed in the answer.
    package let id: String?
    /// The inputs as one batch, in the model's feature order.
    package let batch: FeatureBatch

    /// Datatypes a tree model can read.
    static let numericDatatypes: Set<String> = ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64"]

    struct Tensor {
        let name: String
        let shape: [Int]
        let values: [JSONValue]
    }

    /// Reads `body` against `schema`; every refusal names the input and the rule.
    package init(_ body: JSONValue, schema: InputSchema) throws {
        guard case .object = body else { throw AviaryError(.badRequest, "the body must be a JSON object with 'inputs'") }
        if case .string(let id)? = body["id"] { self.id = id } else { id = nil }
        guard case .array(let inputs)? = body["inputs"], !inputs.isEmpty else {
            throw AviaryError(.badRequest, "'inputs' must be a non-empty list of tensors (name, shape, datatype, data)")
        }
        let tensors = try inputs.enumerated().map { try Self.tensor($1, index: $0) }
        var builder = BatchBuilder(schema: schema)
        if tensors.count == 1, tensors[0].shape.count == 2, tensors[0].shape[1] != 1 || schema.width == 1 {
            let tensor = tensors[0]
            guard tensor.shape[1] == schema.width else {
                throw AviaryError(.badRequest, "input '\(tensor.name)' has shape \(tensor.shape); expected [rows, \(schema.width)], one value per feature")
            }
            for (k, value) in tensor.values.enumerated() { try builder.append(value, feature: k % schema.width) }
            builder.rowCount = tensor.shape[0]
        } else {
            let mapping = schema.isNamed ? try builder.bind(tensors.map(\.name)) : try builder.positional(tensors.count)
            let rows = tensors[0].shape[0]
            for (k, tensor) in tensors.enumerated() {
                guard tensor.shape == [rows] || tensor.shape == [rows, 1] else {
                    throw AviaryError(.badRequest, "input '\(tensor.name)' has shape \(tensor.shape); one input per feature needs shape [\(rows)] like the first input")
                }
                for value in tensor.values { try builder.append(value, feature: mapping[k]) }
            }
            builder.rowCount = rows
        }
        batch = try builder.finish()
    }

    /// One entry of `inputs`, its data flattened and checked against its shape.
    private static func tensor(_ input: JSONValue, index: Int) throws -> Tensor {
        guard case .string(let name)? = input["name"] else {
            throw AviaryError(.badRequest, "inputs[\(index)] needs a 'name'")
        }
        guard case .array(let dims)? = input["shape"], !dims.isEmpty, dims.count <= 2 else {
            throw AviaryError(.badRequest, "input '\(name)' needs a 'shape' of one or two dimensions, e.g. [rows] or [rows, features]")
        }
        let shape = try dims.map { dim -> Int in
            guard case .number(let size) = dim, let exact = Int(exactly: size), exact >= 0 else {
                throw AviaryError(.badRequest, "input '\(name)' shape must hold non-negative integers")
            }
            return exact
        }
        guard case .string(let datatype)? = input["datatype"] else {
            throw AviaryError(.badRequest, "input '\(name)' needs a 'datatype' such as FP32 or FP64")
        }
        guard numericDatatypes.contains(datatype) else {
            throw AviaryError(.badRequest, "input '\(name)' has datatype \(datatype); expected one of \(numericDatatypes.sorted().joined(separator: ", "))")
        }
        guard let data = input["data"] else { throw AviaryError(.badRequest, "input '\(name)' needs 'data'") }
        var values: [JSONValue] = []
        flatten(data, into: &values)
        // Checked: a shape such as [2^32, 2^32] must not trap when its size is computed.
        let (expected, overflow) = shape.count == 2 ? shape[0].multipliedReportingOverflow(by: shape[1]) : (shape[0], false)
        guard !overflow, values.count == expected else {
            let needs = overflow ? "more values than any request can hold" : "\(expected) values"
            throw AviaryError(.badRequest, "input '\(name)' has shape \(shape), which needs \(needs), but data holds \(values.count)")
        }
        return Tensor(name: name, shape: shape, values: values)
    }

    private static func flatten(_ value: JSONValue, into values: inout [JSONValue]) {
        if case .array(let items) = value {
            for item in items { flatten(item, into: &values) }
        } else {
            values.append(value)
        }
    }
}
