/// One fault the simulator can inject into a response of its API.
public enum Fault: Sendable, Equatable, CustomStringConvertible {
    /// Answer with this status and OpenAI's error envelope before the handler runs; `retryAfter`
    /// seconds go into `Retry-After` (and 429s always carry one).
    case status(Int, retryAfter: Int? = nil)
    /// Run the handler, send the head and half the body, then close the connection.
    case dropConnection
    /// Wait this long, then answer normally.
    case slow(Duration)

    /// `429` with `Retry-After`.
    public static func rateLimited(retryAfter: Int = 1) -> Fault { .status(429, retryAfter: retryAfter) }

    /// The fault in the `--fault` notation.
    public var description: String {
        switch self {
        case .status(let code, let retryAfter): "status \(code)" + (retryAfter.map { " retry-after \($0)" } ?? "")
        case .dropConnection: "drop"
        case .slow(let delay): "slow \(delay)"
        }
    }

    /// Parses `429`, `429:2` (status and Retry-After), `500`, `503`, `drop`, `slow:1.5` (seconds).
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        guard let head = parts.first else { return nil }
        switch head {
        case "drop": self = .dropConnection
        case "slow":
            let seconds = parts.count > 1 ? Double(parts[1]) ?? 2 : 2
            self = .slow(.milliseconds(Int(seconds * 1000)))
        default:
            guard let code = Int(head), (400...599).contains(code) else { return nil }
            let retryAfter = parts.count > 1 ? Int(parts[1]) : nil
            self = .status(code, retryAfter: retryAfter ?? (code == 429 ? 1 : nil))
        }
    }
}
