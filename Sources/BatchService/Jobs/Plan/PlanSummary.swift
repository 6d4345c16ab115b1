/// What a dry run shows of a plan (`run --dry-run --json`, `"dry_run": true`): the batches it would submit
/// and the totals per model. One shape for the command line and the REST answer.
public struct PlanSummary: Codable, Sendable, Equatable {
    /// One batch the job would submit.
    public struct Batch: Codable, Sendable, Equatable {
        /// Position in submission order, from 0.
        public var index: Int
        /// The model of its requests (`nil` for endpoints that need none).
        public var model: String?
        /// Requests in it.
        public var requestCount: Int
        /// Size of its file.
        public var byteCount: Int64
        /// Input tokens (exact when `exactTokens`, else an estimate).
        public var inputTokens: Int
        /// Whether `inputTokens` was counted with the model's encoding.
        public var exactTokens: Bool
        /// The sum of its requests' output caps; `nil` when some request sets none.
        public var outputTokenCeiling: Int?
        /// The input line of its first request.
        public var firstLine: Int

        enum CodingKeys: String, CodingKey {
            case index, model, requestCount = "request_count", byteCount = "bytes", inputTokens = "input_tokens"
            case exactTokens = "exact_tokens", outputTokenCeiling = "output_token_ceiling", firstLine = "first_line"
        }
    }

    /// The totals of one model's batches.
    public struct ModelTotal: Codable, Sendable, Equatable {
        /// The model (`nil` for requests without one).
        public var model: String?
        /// Its batches.
        public var batches: Int
        /// Its requests.
        public var requestCount: Int
        /// Bytes of its batch files.
        public var byteCount: Int64
        /// Its input tokens.
        public var inputTokens: Int
        /// Whether every count was exact.
        public var exactTokens: Bool
        /// The sum of the output caps; `nil` when some request sets none.
        public var outputTokenCeiling: Int?

        enum CodingKeys: String, CodingKey {
            case model, batches, requestCount = "request_count", byteCount = "bytes", inputTokens = "input_tokens"
            case exactTokens = "exact_tokens", outputTokenCeiling = "output_token_ceiling"
        }
    }

    /// Always true: nothing was submitted.
    public var dryRun = true
    /// The job's id (`JobID`): what a real run of the same input and job name will be called.
    public var jobID: String
    /// The job name.
    public var jobName: String?
    /// SHA-256 of the input.
    public var inputSHA256: String
    /// The endpoint of every request.
    public var endpoint: String
    /// Requests in the input.
    public var requestCount: Int
    /// Size of the input.
    public var byteCount: Int64
    /// The limits it was cut under.
    public var limits: JobLimits
    /// The batches, in submission order.
    public var batches: [Batch]
    /// Totals per model, in the order each model first appears.
    public var models: [ModelTotal]
    /// The cost range in USD at batch rates, when a price table was given.
    public var cost: CostEstimate?

    enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run", jobID = "job_id", jobName = "job_name", inputSHA256 = "input_sha256", endpoint
        case requestCount = "request_count", byteCount = "bytes", limits, batches, models, cost
    }

    /// The summary of `plan`.
    public init(_ plan: JobPlan, prices: PriceTable? = nil) {
        cost = prices.map { CostEstimate(plan: plan, prices: $0) }
        jobID = plan.jobID
        jobName = plan.jobName
        inputSHA256 = plan.inputSHA256
        endpoint = plan.endpoint
        requestCount = plan.requestCount
        byteCount = plan.byteCount
        limits = plan.limits
        batches = plan.parts.map {
            Batch(index: $0.index, model: $0.model, requestCount: $0.requestCount, byteCount: $0.byteCount, inputTokens: $0.inputTokens,
                  exactTokens: $0.exactTokens, outputTokenCeiling: $0.outputTokenCeiling, firstLine: $0.firstLine)
        }
        var models: [ModelTotal] = []
        for part in plan.parts {
            guard let at = models.firstIndex(where: { $0.model == part.model }) else {
                models.append(ModelTotal(model: part.model, batches: 1, requestCount: part.requestCount, byteCount: part.byteCount,
                                         inputTokens: part.inputTokens, exactTokens: part.exactTokens, outputTokenCeiling: part.outputTokenCeiling))
                continue
            }
            models[at].batches += 1
            models[at].requestCount += part.requestCount
            models[at].byteCount += part.byteCount
            models[at].inputTokens += part.inputTokens
            models[at].exactTokens = models[at].exactTokens && part.exactTokens
            models[at].outputTokenCeiling = models[at].outputTokenCeiling.flatMap { total in part.outputTokenCeiling.map { total + $0 } }
        }
        self.models = models
    }
}
