import BatchCore

/// How one input is cut into batches: the parts, in the order they are submitted, each a request file of
/// its own under the job's folder (docs/ARCHITECTURE.md § Jobs). Written into `job.json`.
public struct JobPlan: Codable, Sendable, Equatable {
    /// `job_` and hex digits derived from the input's SHA-256 and the job name (`JobID`).
    public var jobID: String
    /// The job name given at submission.
    public var jobName: String?
    /// SHA-256 of the whole input, lowercase hex.
    public var inputSHA256: String
    /// The endpoint of every request.
    public var endpoint: String
    /// Requests in the whole input.
    public var requestCount: Int
    /// Size of the whole input.
    public var byteCount: Int64
    /// The limits the input was cut under.
    public var limits: JobLimits
    /// The parts, in submission order.
    public var parts: [JobPart]

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", jobName = "job_name", inputSHA256 = "input_sha256", endpoint
        case requestCount = "request_count", byteCount = "bytes", limits, parts
    }

    /// Creates a plan.
    public init(jobID: String, jobName: String?, inputSHA256: String, endpoint: String, requestCount: Int, byteCount: Int64,
                limits: JobLimits, parts: [JobPart]) {
        self.jobID = jobID
        self.jobName = jobName
        self.inputSHA256 = inputSHA256
        self.endpoint = endpoint
        self.requestCount = requestCount
        self.byteCount = byteCount
        self.limits = limits
        self.parts = parts
    }
}

/// One batch's worth of an input: requests of one model, in input order, within every limit.
public struct JobPart: Codable, Sendable, Equatable {
    /// Position in the plan, from 0.
    public var index: Int
    /// The model of its requests (`nil` for endpoints that need none, e.g. moderations).
    public var model: String?
    /// Requests in the part.
    public var requestCount: Int
    /// Size of the part's file.
    public var byteCount: Int64
    /// SHA-256 of the part's file, lowercase hex (empty in a dry run's plan, which writes no file).
    public var sha256: String
    /// The input tokens of its requests (exact when `exactTokens`, else the conservative estimate).
    public var inputTokens: Int
    /// Whether `inputTokens` was counted with the model's encoding.
    public var exactTokens: Bool
    /// The sum of its requests' output caps; `nil` when some request sets none (no ceiling is known).
    public var outputTokenCeiling: Int?
    /// The 1-based input line of its first request.
    public var firstLine: Int
    /// The part's request file, relative to the job's folder (`parts/0000.jsonl`).
    public var file: String

    enum CodingKeys: String, CodingKey {
        case index, model, requestCount = "request_count", byteCount = "bytes", sha256, inputTokens = "input_tokens"
        case exactTokens = "exact_tokens", outputTokenCeiling = "output_token_ceiling", firstLine = "first_line", file
    }

    /// Creates a part.
    public init(index: Int, model: String?, requestCount: Int, byteCount: Int64, sha256: String, inputTokens: Int,
                exactTokens: Bool, outputTokenCeiling: Int?, firstLine: Int, file: String) {
        self.index = index
        self.model = model
        self.requestCount = requestCount
        self.byteCount = byteCount
        self.sha256 = sha256
        self.inputTokens = inputTokens
        self.exactTokens = exactTokens
        self.outputTokenCeiling = outputTokenCeiling
        self.firstLine = firstLine
        self.file = file
    }
}

/// The limits a job is cut under: users lower the batch limits, never raise them past the API's
/// (`BATCH_OPENAI_MAX_BATCH_LINES`, `_MAX_BATCH_BYTES`, `_MAX_JOB_BYTES`, `_ENQUEUED_TOKENS`).
public struct JobLimits: Codable, Sendable, Equatable {
    /// Most requests in one batch (at most 50,000).
    public var maxBatchLines: Int
    /// Largest batch file, in bytes (at most 200 MB).
    public var maxBatchBytes: Int64
    /// Largest whole input, in bytes (10 GB by default).
    public var maxJobBytes: Int64
    /// The enqueued-token budget per model: a part never holds more input tokens than its model's budget.
    public var enqueuedTokens: EnqueuedTokenBudget

    enum CodingKeys: String, CodingKey {
        case maxBatchLines = "max_batch_lines", maxBatchBytes = "max_batch_bytes", maxJobBytes = "max_job_bytes"
        case enqueuedTokens = "enqueued_tokens"
    }

    /// Creates limits; the defaults are the API's.
    public init(maxBatchLines: Int = BatchLimits.openAI.maxRequests, maxBatchBytes: Int64 = BatchLimits.openAI.maxBytes,
                maxJobBytes: Int64 = 10 * 1_000_000_000, enqueuedTokens: EnqueuedTokenBudget = EnqueuedTokenBudget()) {
        self.maxBatchLines = maxBatchLines
        self.maxBatchBytes = maxBatchBytes
        self.maxJobBytes = maxJobBytes
        self.enqueuedTokens = enqueuedTokens
    }
}

/// The organisation's enqueued-token limit per model (`gpt-4o-mini=2000000,gpt-4o=90000`, or one number
/// for every model): the input tokens of batches in `validating`/`in_progress`/`finalizing` never pass it.
public struct EnqueuedTokenBudget: Codable, Sendable, Equatable {
    /// Limits of named models.
    public var perModel: [String: Int]
    /// The limit of every other model; `nil` for none.
    public var fallback: Int?

    enum CodingKeys: String, CodingKey {
        case perModel = "per_model", fallback = "default"
    }

    /// Creates a budget; without arguments, no limit.
    public init(perModel: [String: Int] = [:], fallback: Int? = nil) {
        self.perModel = perModel
        self.fallback = fallback
    }

    /// The limit of `model`; `nil` when none applies.
    public func limit(for model: String?) -> Int? {
        if let model, let limit = perModel[model] { return limit }
        return fallback
    }
}
