import JSON
import OpenAIClient

/// Answers one request of a batch, or a synchronous call, as the endpoint would.
public protocol Responder: Sendable {
    /// The HTTP answer to `body` posted to `endpoint` (e.g. `/v1/chat/completions`).
    func respond(endpoint: String, body: JSONValue) async -> ResponderResult

    /// Whether answers may be worked out ahead of their turn, several at once, and dropped unused
    /// (a batch cancelled meanwhile): true only for a responder without side effects. A
    /// zero-latency batch is then spread over the cores. `false` unless a responder says so.
    var answersAhead: Bool { get }

    /// Whether the simulator bills this responder's answers with its token counter
    /// (`SimulatorConfiguration.tokenCounter`): true for a responder that makes its usage up, false for
    /// one that reports a real model's usage (an upstream server). `false` unless a responder says so.
    var billsWithTokenCounter: Bool { get }
}

extension Responder {
    /// `false`: a responder may have side effects (an upstream server is called for each answer).
    public var answersAhead: Bool { false }

    /// `false`: a responder's usage is its own unless it says otherwise.
    public var billsWithTokenCounter: Bool { false }
}

/// What a responder answered: the status, the endpoint's response body, and the tokens it used.
public struct ResponderResult: Sendable, Equatable {
    /// The HTTP status; 2xx is a success.
    public var statusCode: Int
    /// The response body (an error envelope for a non-2xx status).
    public var body: JSONValue
    /// Tokens used, for the batch's `usage`.
    public var usage: BatchUsage?

    /// Creates a result.
    public init(statusCode: Int, body: JSONValue, usage: BatchUsage? = nil) {
        self.statusCode = statusCode
        self.body = body
        self.usage = usage
    }

    /// An error answer with OpenAI's envelope.
    public static func error(
        _ statusCode: Int, message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil
    ) -> ResponderResult {
        ResponderResult(statusCode: statusCode, body: [
            "error": [
                "message": .string(message), "type": .string(type),
                "param": param.map(JSONValue.string) ?? .null, "code": code.map(JSONValue.string) ?? .null,
            ],
        ])
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(statusCode) }
}
