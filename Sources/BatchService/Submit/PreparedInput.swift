/// An input file that passed validation, staged as `input.jsonl`, with what submission needs to know of it.
struct PreparedInput: Sendable {
    /// SHA-256 of the staged bytes, lowercase hex.
    var sha256: String
    /// Requests in the file.
    var requestCount: Int
    /// Size of the file.
    var byteCount: Int64
    /// The endpoint of its requests.
    var endpoint: String
    /// The model of its requests, when they name one.
    var model: String?
    /// The name to upload it under.
    var filename: String
}
