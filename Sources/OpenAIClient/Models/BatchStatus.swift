/// The status of a batch (reference §5). A status this module does not know decodes as
/// `unknown(_:)` rather than failing, so a new server-side state never breaks a client.
public enum BatchStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The input file is being validated.
    case validating
    /// Validation (or a batch-level limit) failed. Terminal.
    case failed
    /// Requests are running.
    case inProgress
    /// Requests are done; result files are being written.
    case finalizing
    /// Results are ready. Terminal.
    case completed
    /// The completion window passed before the batch finished. Terminal.
    case expired
    /// A cancel was accepted; in-flight work drains.
    case cancelling
    /// The cancel finished. Terminal.
    case cancelled
    /// A status this module does not know, with its wire value.
    case unknown(String)

    /// Every status this module knows, in lifecycle order.
    public static let known: [BatchStatus] = [
        .validating, .failed, .inProgress, .finalizing, .completed, .expired, .cancelling, .cancelled,
    ]

    /// The wire value, e.g. `in_progress`.
    public var rawValue: String {
        switch self {
        case .validating: "validating"
        case .failed: "failed"
        case .inProgress: "in_progress"
        case .finalizing: "finalizing"
        case .completed: "completed"
        case .expired: "expired"
        case .cancelling: "cancelling"
        case .cancelled: "cancelled"
        case .unknown(let value): value
        }
    }

    /// The status for a wire value; unknown values become `unknown(_:)`.
    public init(rawValue: String) {
        self = Self.known.first { $0.rawValue == rawValue } ?? .unknown(rawValue)
    }

    /// Whether the batch can no longer change: `completed`, `failed`, `expired` or `cancelled`.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .expired, .cancelled: true
        case .validating, .inProgress, .finalizing, .cancelling, .unknown: false
        }
    }

    /// The wire value.
    public var description: String { rawValue }

    /// Decodes the wire string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the wire string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
