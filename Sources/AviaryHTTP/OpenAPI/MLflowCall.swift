/// One call of MLflow's REST API, described once and documented under each prefix it is
/// mounted at.
///
/// The request fields are declared once: a GET reads them from the query string (every value a
/// string, repeated keys for lists), every other method from a JSON body, as
/// `RequestDecoding` does.
struct MLflowCall: Sendable {
    var method: OpenAPIOperation.Method
    /// Relative to the prefix's `mlflow` (or `mlflow-artifacts`) mount point.
    var path: String
    var id: String
    var summary: String
    var description: String?
    var fields: [MLflowField]
    var pathParameters: [OpenAPIParameter]
    /// The 200 body.
    var reply: OpenAPISchema
    /// Whether a lookup can find nothing (404 `RESOURCE_DOES_NOT_EXIST`).
    var canMiss: Bool
    /// Whether a JSON body is read (every method but GET, unless a route ignores it).
    var readsBody: Bool
    /// Statuses beyond the usual ones.
    var extraResponses: [Int: OpenAPIResponse]
    /// Fields of which a body must hold at least one (`run_id` or the older `run_uuid`).
    var oneRequired: [String]

    init(
        _ method: OpenAPIOperation.Method, _ path: String, id: String, _ summary: String, description: String? = nil,
        fields: [MLflowField] = [], pathParameters: [OpenAPIParameter] = [], reply: OpenAPISchema = .ref("Empty"),
        canMiss: Bool = true, readsBody: Bool? = nil, extraResponses: [Int: OpenAPIResponse] = [:], oneRequired: [String] = []
    ) {
        self.method = method
        self.path = path
        self.id = id
        self.summary = summary
        self.description = description
        self.fields = fields
        self.pathParameters = pathParameters
        self.reply = reply
        self.canMiss = canMiss
        self.readsBody = readsBody ?? (method != .get)
        self.extraResponses = extraResponses
        self.oneRequired = oneRequired
    }

    /// The operation at `mount` (e.g. `/api/2.0/mlflow`), listed under `tag`.
    func operation(at mount: String, prefix: MLflowPrefix, tag: String) -> OpenAPIOperation {
        var parameters = pathParameters
        var body: OpenAPIRequestBody?
        if method == .get {
            parameters += fields.map { OpenAPIParameter.query($0.name, $0.querySchema, required: $0.required, $0.description) }
        } else if readsBody {
            let properties = fields.map { ($0.name, $0.description.map($0.bodySchema.described) ?? $0.bodySchema) }
            var schema = OpenAPISchema(.object([
                "type": "object",
                "properties": .object(Dictionary(properties.map { ($0.0, $0.1.json) }, uniquingKeysWith: { _, last in last })),
            ]))
            let required = fields.filter(\.required).map { OpenAPIJSON.string($0.name) }
            if !required.isEmpty { schema = schema.with("required", .array(required)) }
            if !oneRequired.isEmpty {
                schema = schema.with("anyOf", .array(oneRequired.map { ["required": [.string($0)]] }))
            }
            body = .json(schema, "A JSON object (Content-Type application/json; an empty body is {}). Unknown fields are ignored.")
        }
        var responses: [Int: OpenAPIResponse] = [
            200: .json("Done.", reply),
            400: .mlflowError("INVALID_PARAMETER_VALUE or BAD_REQUEST: a missing or malformed field, a value a rule refuses" + (readsBody ? ", a Content-Type other than application/json or a body over 16 MB" : "") + "."),
            500: .mlflowError("INTERNAL_ERROR or INVALID_STATE: the store failed."),
        ]
        if canMiss { responses[404] = .mlflowError("RESOURCE_DOES_NOT_EXIST: nothing has the id or name given.") }
        responses.merge(extraResponses) { _, extra in extra }
        return OpenAPIOperation(
            method, "\(mount)/\(path)", id: prefix.operationID(id), summary: summary, description: description, tag: tag,
            parameters: parameters, body: body, responses: responses
        )
    }
}

/// A field of an MLflow request, with its schema in a JSON body and in a query string.
struct MLflowField: Sendable {
    enum Kind: Sendable {
        case string, int64, double, bool, strings
        case enumeration([String])
        /// An int64 the server takes only within `range` (`max_results`).
        case int64Range(ClosedRange<Int64>)
        /// A string or list of strings as the schema says, the same in a body and a query.
        case scalar(OpenAPISchema)
        /// Only in JSON bodies: objects and lists of objects cannot be sent as a query.
        case schema(OpenAPISchema)
    }

    var name: String
    var kind: Kind
    var required: Bool
    var description: String?

    static func string(_ name: String, required: Bool = false, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .string, required: required, description: description)
    }

    static func int64(_ name: String, required: Bool = false, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .int64, required: required, description: description)
    }

    static func double(_ name: String, required: Bool = false, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .double, required: required, description: description)
    }

    static func bool(_ name: String, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .bool, required: false, description: description)
    }

    static func strings(_ name: String, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .strings, required: false, description: description)
    }

    static func enumeration(_ name: String, _ values: [String], required: Bool = false, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .enumeration(values), required: required, description: description)
    }

    /// A field whose values follow `schema` (a name rule, a pattern, an enumeration).
    static func rule(_ name: String, _ schema: OpenAPISchema, required: Bool = false, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .scalar(schema), required: required, description: description)
    }

    /// `max_results` of a search that takes 1…`limit`.
    static func maxResults(_ limit: Int) -> MLflowField {
        MLflowField(name: "max_results", kind: .int64Range(1...Int64(limit)), required: false, description: "1 to \(limit).")
    }

    static func list(_ name: String, of item: String, _ description: String? = nil) -> MLflowField {
        MLflowField(name: name, kind: .schema(.array(.ref(item))), required: false, description: description)
    }

    /// As a member of a JSON body: int64 and double fields also take strings.
    var bodySchema: OpenAPISchema {
        switch kind {
        case .string: .string
        case .int64: .ref("Int64")
        case .double: .ref("Double")
        case .bool: .boolean
        case .strings: .array(.string)
        case .enumeration(let values): .enumeration(values)
        case .int64Range(let range):
            .anyOf(Self.integer(in: range), OpenAPISchema.string.with("pattern", .string("^[1-9][0-9]{0,\(String(range.upperBound).count - 1)}$")).described("As a string."))
        case .scalar(let schema), .schema(let schema): schema
        }
    }

    /// As a query parameter, where every value arrives as text.
    var querySchema: OpenAPISchema {
        switch kind {
        case .int64: .int64
        case .int64Range(let range): Self.integer(in: range)
        case .double: .number
        default: bodySchema
        }
    }

    private static func integer(in range: ClosedRange<Int64>) -> OpenAPISchema {
        OpenAPISchema.int64.with("minimum", .integer(Int(range.lowerBound))).with("maximum", .integer(Int(range.upperBound)))
    }
}

extension MLflowPrefix {
    /// Operation ids under the `/ajax-api` mirror get a prefix, so every id stays unique.
    func operationID(_ id: String) -> String {
        switch self {
        case .api: id
        case .ajax: "ajax" + id.prefix(1).uppercased() + id.dropFirst()
        }
    }

    /// The tag for a group of calls under this prefix.
    func tag(_ name: String) -> String {
        switch self {
        case .api: name
        case .ajax: "\(name) (ajax-api mirror)"
        }
    }
}
