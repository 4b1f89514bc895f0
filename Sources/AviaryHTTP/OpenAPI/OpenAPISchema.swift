/// A JSON Schema (2020-12, as OpenAPI 3.1 uses it) for a request or response body, a
/// parameter or a shared component.
///
/// Response schemas say what is guaranteed and no more: the keys always present are
/// `required`, their types are given, and other keys are allowed, so a schema stays true when
/// a field is added.
public struct OpenAPISchema: Sendable, Equatable {
    /// The schema as JSON.
    public let json: OpenAPIJSON

    init(_ json: OpenAPIJSON) {
        self.json = json
    }

    static let string = OpenAPISchema(["type": "string"])
    static let boolean = OpenAPISchema(["type": "boolean"])
    static let number = OpenAPISchema(["type": "number"])
    static let integer = OpenAPISchema(["type": "integer"])
    /// An int64 as responses write it: a JSON integer.
    static let int64 = OpenAPISchema(["type": "integer", "format": "int64"])
    /// Any JSON value.
    static let any = OpenAPISchema([:])
    /// Bytes of any kind: artifact files, downloads.
    static let binary = OpenAPISchema(["type": "string", "contentMediaType": "application/octet-stream"])
    /// An object with nothing promised about its members: MLflow's empty `{}` replies.
    static let emptyObject = OpenAPISchema(["type": "object"])

    /// A shared schema in `components/schemas`.
    static func ref(_ name: String) -> OpenAPISchema {
        OpenAPISchema(["$ref": .string("#/components/schemas/\(name)")])
    }

    static func array(_ items: OpenAPISchema, minItems: Int? = nil, maxItems: Int? = nil) -> OpenAPISchema {
        var members: [String: OpenAPIJSON] = ["type": "array", "items": items.json]
        if let minItems { members["minItems"] = .integer(minItems) }
        if let maxItems { members["maxItems"] = .integer(maxItems) }
        return OpenAPISchema(.object(members))
    }

    /// An object with `properties`, of which `required` are always there; other members are
    /// allowed unless `closed` (the server refuses unknown keys).
    static func object(_ properties: KeyValuePairs<String, OpenAPISchema>, required: [String] = [], closed: Bool = false) -> OpenAPISchema {
        var members: [String: OpenAPIJSON] = [
            "type": "object",
            "properties": .object(Dictionary(properties.map { ($0.key, $0.value.json) }, uniquingKeysWith: { _, last in last })),
        ]
        if !required.isEmpty { members["required"] = .array(required.map(OpenAPIJSON.string)) }
        if closed { members["additionalProperties"] = false }
        return OpenAPISchema(.object(members))
    }

    /// An object whose every member has schema `values` (`{"column": 0.5, …}`).
    static func map(_ values: OpenAPISchema) -> OpenAPISchema {
        OpenAPISchema(["type": "object", "additionalProperties": values.json])
    }

    static func oneOf(_ schemas: OpenAPISchema...) -> OpenAPISchema {
        OpenAPISchema(["oneOf": .array(schemas.map(\.json))])
    }

    static func anyOf(_ schemas: OpenAPISchema...) -> OpenAPISchema {
        OpenAPISchema(["anyOf": .array(schemas.map(\.json))])
    }

    /// A string that is one of `values`.
    static func enumeration(_ values: [String]) -> OpenAPISchema {
        OpenAPISchema(["type": "string", "enum": .array(values.map(OpenAPIJSON.string))])
    }

    /// A value of one of the JSON `types` (`["number", "string"]`).
    static func types(_ types: String...) -> OpenAPISchema {
        OpenAPISchema(["type": .array(types.map(OpenAPIJSON.string))])
    }

    /// This schema with `keyword` set to `value` (`minLength`, `pattern`, `maximum`, …).
    func with(_ keyword: String, _ value: OpenAPIJSON) -> OpenAPISchema {
        guard case .object(var members) = json else { return self }
        members[keyword] = value
        return OpenAPISchema(.object(members))
    }

    /// This schema with a description for readers of the document.
    func described(_ text: String) -> OpenAPISchema {
        with("description", .string(text))
    }
}
