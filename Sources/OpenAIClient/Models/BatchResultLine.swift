import JSON

/// One line of a batch output or error file (reference §7): all four keys on every line.
public struct BatchResultLine: Sendable, Hashable, Codable {
    /// The endpoint's HTTP response to one request.
    public struct Response: Sendable, Hashable, Codable {
        /// The HTTP status; 2xx lands in the output file, others in the error file.
        public var statusCode: Int
        /// The underlying request's id.
        public var requestID: String
        /// The synchronous endpoint's response body (or its error envelope).
        public var body: JSONValue

        /// Creates a response.
        public init(statusCode: Int, requestID: String, body: JSONValue) {
            self.statusCode = statusCode
            self.requestID = requestID
            self.body = body
        }

        enum CodingKeys: String, CodingKey {
            case statusCode = "status_code"
            case requestID = "request_id"
            case body
        }

        /// Decodes tolerantly: a missing request id reads as empty, a missing body as `null`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            statusCode = try c.requiredInt(.statusCode)
            requestID = c.tolerantString(.requestID) ?? ""
            body = (try? c.decode(JSONValue.self, forKey: .body)) ?? .null
        }
    }

    /// A failure without an HTTP response, e.g. `batch_expired`.
    public struct Failure: Sendable, Hashable, Codable {
        /// The code, e.g. `batch_expired`.
        public var code: String
        /// A human-readable message.
        public var message: String

        /// Creates a failure.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case code, message
        }

        /// Decodes tolerantly: missing text reads as empty.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = c.tolerantString(.code) ?? ""
            message = c.tolerantString(.message) ?? ""
        }
    }

    /// The per-request id, `batch_req_...`.
    public var id: String
    /// The input line's `custom_id`.
    public var customID: String
    /// The HTTP response, when the request ran.
    public var response: Response?
    /// The failure, when the request did not get an HTTP response.
    public var error: Failure?

    /// Creates a result line.
    public init(id: String, customID: String, response: Response? = nil, error: Failure? = nil) {
        self.id = id
        self.customID = customID
        self.response = response
        self.error = error
    }

    /// Whether this is a success: a 2xx response and no error.
    public var isSuccess: Bool {
        guard error == nil, let response else { return false }
        return (200..<300).contains(response.statusCode)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case customID = "custom_id"
        case response, error
    }

    /// Decodes tolerantly: a missing `id` reads as empty; `custom_id` is indispensable (results
    /// are joined on it).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = c.tolerantString(.id) ?? ""
        customID = try c.requiredString(.customID)
        response = c.tolerant(Response.self, .response)
        error = c.tolerant(Failure.self, .error)
    }

    /// Encodes all four keys, `null` included.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(customID, forKey: .customID)
        try c.encode(response, forKey: .response)
        try c.encode(error, forKey: .error)
    }
}
