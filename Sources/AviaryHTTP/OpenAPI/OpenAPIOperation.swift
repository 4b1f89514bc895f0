/// One operation of the OpenAPI document: a method on a path, what it takes and every status
/// it can answer with the content type it really sends.
public struct OpenAPIOperation: Sendable {
    /// The methods Aviary's routes use.
    public enum Method: String, Sendable, CaseIterable {
        case get, put, post, delete, patch
    }

    /// The HTTP method.
    public var method: Method
    /// The path template, captures as `{name}`.
    public var path: String
    /// Unique in a document.
    public var id: String
    /// One line: what the operation does.
    public var summary: String
    /// More detail, when a line is not enough.
    public var description: String?
    /// The group the operation is listed under.
    public var tag: String
    var parameters: [OpenAPIParameter]
    var requestBody: OpenAPIRequestBody?
    /// By status code.
    var responses: [Int: OpenAPIResponse]

    init(
        _ method: Method, _ path: String, id: String, summary: String, description: String? = nil, tag: String,
        parameters: [OpenAPIParameter] = [], body: OpenAPIRequestBody? = nil, responses: [Int: OpenAPIResponse]
    ) {
        self.method = method
        self.path = path
        self.id = id
        self.summary = summary
        self.description = description
        self.tag = tag
        self.parameters = parameters
        self.requestBody = body
        self.responses = responses
    }

    /// The operation object of the document.
    var json: OpenAPIJSON {
        var members: [String: OpenAPIJSON] = [
            "operationId": .string(id),
            "summary": .string(summary),
            "tags": [.string(tag)],
            "responses": .object(Dictionary(uniqueKeysWithValues: responses.map { (String($0.key), $0.value.json) })),
        ]
        if let description { members["description"] = .string(description) }
        if !parameters.isEmpty { members["parameters"] = .array(parameters.map(\.json)) }
        if let requestBody { members["requestBody"] = requestBody.json }
        return .object(members)
    }

}

/// A path, query or header parameter.
struct OpenAPIParameter: Sendable {
    enum Location: String, Sendable {
        case path, query, header
    }

    var name: String
    var location: Location
    var required: Bool
    var schema: OpenAPISchema
    var description: String?
    var example: OpenAPIJSON?

    /// This parameter with a value the route accepts.
    func example(_ value: OpenAPIJSON) -> OpenAPIParameter {
        var parameter = self
        parameter.example = value
        return parameter
    }

    static func path(_ name: String, _ description: String, schema: OpenAPISchema = OpenAPISchema.string.with("minLength", 1)) -> OpenAPIParameter {
        OpenAPIParameter(name: name, location: .path, required: true, schema: schema, description: description)
    }

    static func query(_ name: String, _ schema: OpenAPISchema, required: Bool = false, _ description: String? = nil) -> OpenAPIParameter {
        OpenAPIParameter(name: name, location: .query, required: required, schema: schema, description: description)
    }

    static func header(_ name: String, _ description: String) -> OpenAPIParameter {
        OpenAPIParameter(name: name, location: .header, required: false, schema: .string, description: description)
    }

    var json: OpenAPIJSON {
        var members: [String: OpenAPIJSON] = [
            "name": .string(name), "in": .string(location.rawValue), "required": .bool(required), "schema": schema.json,
        ]
        if let description { members["description"] = .string(description) }
        if let example { members["example"] = example }
        return .object(members)
    }
}

/// A request body: a schema per media type the route reads.
struct OpenAPIRequestBody: Sendable {
    var content: KeyValuePairs<String, OpenAPISchema>
    var required: Bool
    var description: String?
    /// A valid body per media type, for readers and for fuzzers' first request.
    var examples: [String: OpenAPIJSON] = [:]

    /// A JSON body.
    static func json(_ schema: OpenAPISchema, required: Bool = true, _ description: String? = nil) -> OpenAPIRequestBody {
        OpenAPIRequestBody(content: ["application/json": schema], required: required, description: description)
    }

    /// This body with `example` for `mediaType`.
    func example(_ example: OpenAPIJSON, for mediaType: String) -> OpenAPIRequestBody {
        var body = self
        body.examples[mediaType] = example
        return body
    }

    var json: OpenAPIJSON {
        let media = content.map { entry -> (String, OpenAPIJSON) in
            var members: [String: OpenAPIJSON] = ["schema": entry.value.json]
            if let example = examples[entry.key] { members["example"] = example }
            return (entry.key, .object(members))
        }
        var members: [String: OpenAPIJSON] = [
            "required": .bool(required),
            "content": .object(Dictionary(media, uniquingKeysWith: { _, last in last })),
        ]
        if let description { members["description"] = .string(description) }
        return .object(members)
    }
}

/// One status of an operation: what it means, the body per media type (none for an empty
/// body without a `Content-Type`) and the headers it sets.
struct OpenAPIResponse: Sendable {
    var description: String
    var content: KeyValuePairs<String, OpenAPISchema>
    var headers: KeyValuePairs<String, String>

    init(_ description: String, content: KeyValuePairs<String, OpenAPISchema> = [:], headers: KeyValuePairs<String, String> = [:]) {
        self.description = description
        self.content = content
        self.headers = headers
    }

    /// An `application/json` body.
    static func json(_ description: String, _ schema: OpenAPISchema, headers: KeyValuePairs<String, String> = [:]) -> OpenAPIResponse {
        OpenAPIResponse(description, content: ["application/json": schema], headers: headers)
    }

    /// MLflow's error body, `{"error_code": …, "message": …}`.
    static func mlflowError(_ description: String) -> OpenAPIResponse {
        .json(description, .ref("MLflowError"))
    }

    var json: OpenAPIJSON {
        var members: [String: OpenAPIJSON] = ["description": .string(description)]
        if !content.isEmpty {
            members["content"] = .object(Dictionary(content.map { ($0.key, ["schema": $0.value.json] as OpenAPIJSON) }, uniquingKeysWith: { _, last in last }))
        }
        if !headers.isEmpty {
            members["headers"] = .object(Dictionary(headers.map { ($0.key, ["description": .string($0.value), "schema": ["type": "string"]] as OpenAPIJSON) }, uniquingKeysWith: { _, last in last }))
        }
        return .object(members)
    }
}
