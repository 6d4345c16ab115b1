import Foundation
import HTTPClient
import Logging

/// A client of the OpenAI Files + Batches API (and chat completions) over libcurl.
///
/// Every call retries what is worth retrying (see `RetryPolicy`) and throws `OpenAIError`. A batch
/// *create* is never blindly retried: the body carries a submission key in `metadata`
/// (`submissionMetadataKey`), and after an ambiguous failure the client looks for a batch with that
/// key before trying again, so one call makes at most one batch. Usage:
/// ```swift
/// let openai = OpenAI(configuration: .init(baseURL: "http://127.0.0.1:8100/v1", apiKey: key), logger: logger)
/// let file = try await openai.uploadFile(path: "inputs/requests.jsonl", filename: "requests.jsonl", purpose: "batch")
/// let batch = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
/// ```
public struct OpenAI: BatchBackend {
    /// The metadata key that carries a create's submission token. A caller that sets it (to a
    /// token it keeps, say across restarts) makes the create idempotent under that token.
    public static let submissionMetadataKey = "batch_openai_submission"

    /// The configuration.
    public let configuration: Configuration
    let logger: Logger
    let transport: CurlTransport

    /// Creates a client. Nothing is loaded or connected until the first call.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let t = configuration.timeouts
        transport = CurlTransport(
            timeouts: HTTPTimeouts(
                connect: t.connect, total: t.request, lowSpeedWindow: t.lowSpeedWindow,
                lowSpeedBytesPerSecond: t.lowSpeedBytesPerSecond
            ),
            logger: logger
        )
    }

    /// Loads libcurl and starts the transfer thread now (otherwise the first call does): reports a
    /// missing libcurl early. Throws `OpenAIError` of kind `invalidRequest`.
    public func prepare() throws {
        do {
            try transport.prepare()
        } catch let error as HTTPClientError {
            throw OpenAIError.from(transport: error, operation: "load libcurl", apiKey: nil)
        }
    }

    // MARK: - Files

    /// `POST /files` (multipart: `purpose`, then `file` streamed from disk).
    public func uploadFile(path: String, filename: String, purpose: String) async throws -> FileObject {
        let call = Call(
            operation: "upload \(filename)", method: "POST", path: "/files",
            body: .multipart([.text("purpose", purpose), .file("file", path: path, filename: filename, contentType: "application/jsonl")]),
            isTransfer: true
        )
        return try decode(FileObject.self, from: try await execute(call), call)
    }

    /// `GET /files/{id}`.
    public func retrieveFile(id: String) async throws -> FileObject {
        let call = Call(operation: "retrieve file \(id)", method: "GET", path: "/files/\(Self.escape(id))")
        return try decode(FileObject.self, from: try await execute(call), call)
    }

    /// `GET /files/{id}/content` streamed to `path` through a temporary file; returns the bytes written.
    public func downloadFileContent(id: String, to path: String) async throws -> Int64 {
        let call = Call(
            operation: "download file \(id)", method: "GET", path: "/files/\(Self.escape(id))/content", isTransfer: true
        )
        let response = try await execute(call, downloadTo: path)
        return response.downloadedBytes ?? 0
    }

    /// `DELETE /files/{id}`.
    public func deleteFile(id: String) async throws -> FileDeleted {
        let call = Call(operation: "delete file \(id)", method: "DELETE", path: "/files/\(Self.escape(id))")
        return try decode(FileDeleted.self, from: try await execute(call), call)
    }

    // MARK: - Batches

    /// `GET /batches/{id}`.
    public func retrieveBatch(id: String) async throws -> Batch {
        let call = Call(operation: "retrieve batch \(id)", method: "GET", path: "/batches/\(Self.escape(id))")
        return try decode(Batch.self, from: try await execute(call), call)
    }

    /// `POST /batches/{id}/cancel`. A 409 (the batch is finished, or already cancelling) fails at once:
    /// retrying cannot change a batch's state.
    public func cancelBatch(id: String) async throws -> Batch {
        var call = Call(operation: "cancel batch \(id)", method: "POST", path: "/batches/\(Self.escape(id))/cancel", body: .bytes([]))
        call.finalStatuses = [409]
        return try decode(Batch.self, from: try await execute(call), call)
    }

    /// `GET /batches?after=&limit=`.
    public func listBatches(after: String?, limit: Int?) async throws -> ListPage<Batch> {
        let call = Self.listCall(after: after, limit: limit)
        return try decode(ListPage<Batch>.self, from: try await execute(call), call)
    }

    static func listCall(after: String?, limit: Int?) -> Call {
        var query: [(String, String)] = []
        if let after { query.append(("after", after)) }
        if let limit { query.append(("limit", String(limit))) }
        return Call(operation: "list batches", method: "GET", path: "/batches", query: query)
    }

    // MARK: - Chat completions

    /// `POST /chat/completions` with a ready JSON body; returns the response body as received
    /// (the simulator's upstream mode forwards it untouched).
    public func chatCompletion(body: [UInt8]) async throws -> [UInt8] {
        let call = Call(operation: "chat completion", method: "POST", path: "/chat/completions", body: .bytes(body), contentType: "application/json")
        return try await execute(call).body
    }

    // MARK: - Helpers

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, _ call: Call) throws -> T {
        do {
            let value = try JSONDecoder().decode(T.self, from: Data(response.body))
            noteOddities(value, call)
            return value
        } catch {
            logger.warning("\(call.operation): unreadable response", metadata: ["request_id": "\(response.header("x-request-id") ?? "-")"])
            throw OpenAIError.decoding(error, operation: call.operation, response: response)
        }
    }

    /// The tolerant reader keeps going where a field is odd; this says so in the log.
    private func noteOddities(_ value: some Decodable, _ call: Call) {
        var batches: [Batch] = []
        if let batch = value as? Batch { batches = [batch] }
        if let page = value as? ListPage<Batch> { batches = page.data }
        for batch in batches {
            if case .unknown(let status) = batch.status {
                logger.notice("\(call.operation): batch \(batch.id) has a status this client does not know: \(status)")
            }
        }
    }

    /// A path segment made safe (ids are opaque: never trust them to be URL-clean).
    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed) ?? segment
    }
}

extension CharacterSet {
    /// Unreserved characters (RFC 3986 §2.3): safe in a path segment and a query value.
    static let urlPathSegmentAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
