/// The body of `POST /batches/{batch_id}/wait`: `poll_interval` and `timeout`, both optional.
struct WaitBody: Sendable {
    static let expected = "optional 'poll_interval' (seconds) and 'timeout' (seconds)"

    /// Polls closer than this would only load the backend.
    static let pollRange = 0.01...3600.0

    let pollInterval: Double
    let timeout: Double?

    init(_ fields: FieldReader) throws(APIProblem) {
        try fields.rejectUnknown(["poll_interval", "timeout"], expected: Self.expected)
        pollInterval = try Self.pollInterval(fields) ?? RunBody.defaultPollInterval
        timeout = try Self.timeout(fields)
    }

    static func pollInterval(_ fields: FieldReader) throws(APIProblem) -> Double? {
        guard let value = try fields.number("poll_interval") else { return nil }
        guard pollRange.contains(value) else {
            throw .badRequest("'poll_interval' is \(value); expected seconds between \(pollRange.lowerBound) and \(Int(pollRange.upperBound)).", param: "poll_interval")
        }
        return value
    }

    /// A wait longer than a week outlives any batch (the completion window is 24 h); a larger value once
    /// overflowed the deadline's arithmetic and stopped the server.
    static let maxTimeout = 604_800.0

    static func timeout(_ fields: FieldReader) throws(APIProblem) -> Double? {
        guard let value = try fields.number("timeout") else { return nil }
        guard value > 0, value <= maxTimeout else {
            throw .badRequest("'timeout' is \(value); expected seconds above 0 and at most \(Int(maxTimeout)) (a week).", param: "timeout")
        }
        return value
    }
}
