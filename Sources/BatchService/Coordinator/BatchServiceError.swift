import BatchCore

/// Why a service operation failed, in kinds the REST layer maps to statuses (docs/ARCHITECTURE.md § The REST API) and the command
/// line to messages. Backend failures keep the `OpenAIError` text (status, message, request id).
public struct BatchServiceError: Error, Sendable, CustomStringConvertible {
    /// The kind, with the status it becomes.
    public enum Kind: Sendable, Hashable {
        /// Bad input: a malformed field, a path outside `inputs/`, a wrong file type (400).
        case badRequest
        /// An unknown batch, file or artifact (404).
        case notFound
        /// The batch is not in a state that allows this (download before results exist) (409).
        case conflict
        /// The input is over a size limit (413).
        case tooLarge
        /// The JSONL is invalid: `issues` has every bad line with its number (422).
        case invalidInput
        /// The backend answered with an error or could not be reached (502).
        case backendFailed
        /// The backend, or a wait, timed out (504).
        case timedOut
        /// Anything else: a file that could not be written (500).
        case internalError

        /// The HTTP status this kind becomes.
        public var status: Int {
            switch self {
            case .badRequest: 400
            case .notFound: 404
            case .conflict: 409
            case .tooLarge: 413
            case .invalidInput: 422
            case .backendFailed: 502
            case .timedOut: 504
            case .internalError: 500
            }
        }
    }

    /// The kind.
    public let kind: Kind
    /// What went wrong and what was expected, for a person.
    public let message: String
    /// For `invalidInput`: the bad lines (capped by the validator), in file order.
    public let issues: [ValidationIssue]
    /// For `invalidInput`: how many issues there were in all (may exceed `issues.count`).
    public let issueCount: Int
    /// For `backendFailed` / `timedOut`: the backend's HTTP status, when it answered.
    public let backendStatus: Int?
    /// For backend failures: the backend's `x-request-id`, to quote to its support.
    public let backendRequestID: String?
    /// Whether trying again later may succeed (set by the backend mapping): a run retries these.
    var isTransient = false

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, issues: [ValidationIssue] = [], issueCount: Int? = nil,
                backendStatus: Int? = nil, backendRequestID: String? = nil) {
        self.kind = kind
        self.message = message
        self.issues = issues
        self.issueCount = issueCount ?? issues.count
        self.backendStatus = backendStatus
        self.backendRequestID = backendRequestID
    }

    public var description: String { message }
}
