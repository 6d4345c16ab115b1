import BatchService

/// The limits and defaults of the REST layer (docs/ARCHITECTURE.md § Configuration).
public struct APIConfiguration: Sendable {
    /// The model of an inline `spec` given without `model` (`BATCH_OPENAI_MODEL`, the CLI's default too).
    public var defaultModel: String
    /// The largest JSON request body (`BATCH_OPENAI_MAX_JSON_BYTES`, default 1 MiB).
    public var maxJSONBytes: Int
    /// The largest uploaded file of `run-file` (`BATCH_OPENAI_MAX_UPLOAD_BYTES`, default 256 MiB).
    public var maxUploadBytes: Int
    /// What a job's batches are cut under, for `"dry_run": true` (`BATCH_OPENAI_MAX_BATCH_LINES` …).
    public var jobLimits: JobLimits

    /// The default of `defaultModel`, as the CLI's `--model`.
    public static let standardModel = "gpt-4o-mini"

    /// Creates the limits and defaults.
    public init(maxJSONBytes: Int = 1 << 20, maxUploadBytes: Int = 256 << 20, defaultModel: String = APIConfiguration.standardModel,
                jobLimits: JobLimits = JobLimits()) {
        self.defaultModel = defaultModel
        self.jobLimits = jobLimits
        self.maxJSONBytes = maxJSONBytes
        self.maxUploadBytes = maxUploadBytes
    }

    /// Room for the multipart framing and the small fields around an upload of `maxUploadBytes`.
    static let multipartOverhead = 256 * 1024
}
