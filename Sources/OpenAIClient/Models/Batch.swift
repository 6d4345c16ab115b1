/// The Batch object (reference §4): every documented field, optional ones `nil` when unset.
///
/// Encoding writes every key, with `null` for unset fields, as the live API does; decoding is
/// tolerant (unknown fields ignored, nulls accepted, numeric strings read as numbers).
public struct Batch: Sendable, Hashable, Codable, Identifiable {
    /// The batch id, e.g. `batch_abc123`.
    public var id: String
    /// Always `batch`.
    public var object: String
    /// The endpoint every request goes to, e.g. `/v1/chat/completions`.
    public var endpoint: String
    /// The model the requests use (a newer field; may be absent).
    public var model: String?
    /// Why the batch failed, when it failed validation or a batch-level limit.
    public var errors: BatchErrors?
    /// The input file.
    public var inputFileID: String
    /// The completion window, `24h`.
    public var completionWindow: String
    /// The status.
    public var status: BatchStatus
    /// The file of successful results, once written.
    public var outputFileID: String?
    /// The file of failed requests, once written and when there are any.
    public var errorFileID: String?
    /// Creation time, Unix seconds.
    public var createdAt: Int
    /// When validation passed.
    public var inProgressAt: Int?
    /// When the completion window ends (`createdAt` + 24 h).
    public var expiresAt: Int?
    /// When finalizing began.
    public var finalizingAt: Int?
    /// When the batch completed.
    public var completedAt: Int?
    /// When the batch failed.
    public var failedAt: Int?
    /// When the batch expired.
    public var expiredAt: Int?
    /// When a cancel was accepted.
    public var cancellingAt: Int?
    /// When the cancel finished.
    public var cancelledAt: Int?
    /// Request counts.
    public var requestCounts: BatchRequestCounts?
    /// Token usage.
    public var usage: BatchUsage?
    /// Up to 16 key/value pairs attached at creation.
    public var metadata: [String: String]?

    /// Creates a batch; optional fields default to `nil`.
    public init(
        id: String,
        object: String = "batch",
        endpoint: String,
        model: String? = nil,
        errors: BatchErrors? = nil,
        inputFileID: String,
        completionWindow: String = "24h",
        status: BatchStatus,
        outputFileID: String? = nil,
        errorFileID: String? = nil,
        createdAt: Int,
        inProgressAt: Int? = nil,
        expiresAt: Int? = nil,
        finalizingAt: Int? = nil,
        completedAt: Int? = nil,
        failedAt: Int? = nil,
        expiredAt: Int? = nil,
        cancellingAt: Int? = nil,
        cancelledAt: Int? = nil,
        requestCounts: BatchRequestCounts? = nil,
        usage: BatchUsage? = nil,
        metadata: [String: String]? = nil
    ) {
        self.id = id
        self.object = object
        self.endpoint = endpoint
        self.model = model
        self.errors = errors
        self.inputFileID = inputFileID
        self.completionWindow = completionWindow
        self.status = status
        self.outputFileID = outputFileID
        self.errorFileID = errorFileID
        self.createdAt = createdAt
        self.inProgressAt = inProgressAt
        self.expiresAt = expiresAt
        self.finalizingAt = finalizingAt
        self.completedAt = completedAt
        self.failedAt = failedAt
        self.expiredAt = expiredAt
        self.cancellingAt = cancellingAt
        self.cancelledAt = cancelledAt
        self.requestCounts = requestCounts
        self.usage = usage
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, object, endpoint, model, errors
        case inputFileID = "input_file_id"
        case completionWindow = "completion_window"
        case status
        case outputFileID = "output_file_id"
        case errorFileID = "error_file_id"
        case createdAt = "created_at"
        case inProgressAt = "in_progress_at"
        case expiresAt = "expires_at"
        case finalizingAt = "finalizing_at"
        case completedAt = "completed_at"
        case failedAt = "failed_at"
        case expiredAt = "expired_at"
        case cancellingAt = "cancelling_at"
        case cancelledAt = "cancelled_at"
        case requestCounts = "request_counts"
        case usage, metadata
    }

    /// Decodes tolerantly. Only `id` and `status` are indispensable; other required fields that a
    /// compatible server leaves out read as empty (or 0 for `created_at`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.requiredString(.id)
        object = c.tolerantString(.object) ?? "batch"
        endpoint = c.tolerantString(.endpoint) ?? ""
        model = c.tolerantString(.model)
        errors = c.tolerant(BatchErrors.self, .errors)
        inputFileID = c.tolerantString(.inputFileID) ?? ""
        completionWindow = c.tolerantString(.completionWindow) ?? "24h"
        status = BatchStatus(rawValue: try c.requiredString(.status))
        outputFileID = c.tolerantString(.outputFileID)
        errorFileID = c.tolerantString(.errorFileID)
        createdAt = c.tolerantInt(.createdAt) ?? 0
        inProgressAt = c.tolerantInt(.inProgressAt)
        expiresAt = c.tolerantInt(.expiresAt)
        finalizingAt = c.tolerantInt(.finalizingAt)
        completedAt = c.tolerantInt(.completedAt)
        failedAt = c.tolerantInt(.failedAt)
        expiredAt = c.tolerantInt(.expiredAt)
        cancellingAt = c.tolerantInt(.cancellingAt)
        cancelledAt = c.tolerantInt(.cancelledAt)
        requestCounts = c.tolerant(BatchRequestCounts.self, .requestCounts)
        usage = c.tolerant(BatchUsage.self, .usage)
        metadata = c.tolerantStringMap(.metadata)
    }

    /// Encodes every key, `null` for unset fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(object, forKey: .object)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(model, forKey: .model)
        try c.encode(errors, forKey: .errors)
        try c.encode(inputFileID, forKey: .inputFileID)
        try c.encode(completionWindow, forKey: .completionWindow)
        try c.encode(status, forKey: .status)
        try c.encode(outputFileID, forKey: .outputFileID)
        try c.encode(errorFileID, forKey: .errorFileID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(inProgressAt, forKey: .inProgressAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(finalizingAt, forKey: .finalizingAt)
        try c.encode(completedAt, forKey: .completedAt)
        try c.encode(failedAt, forKey: .failedAt)
        try c.encode(expiredAt, forKey: .expiredAt)
        try c.encode(cancellingAt, forKey: .cancellingAt)
        try c.encode(cancelledAt, forKey: .cancelledAt)
        try c.encode(requestCounts, forKey: .requestCounts)
        try c.encode(usage, forKey: .usage)
        try c.encode(metadata, forKey: .metadata)
    }
}
