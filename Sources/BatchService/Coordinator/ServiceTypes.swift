import BatchCore
import OpenAIClient
import OutputParser

// The values the coordinator takes and returns. The REST layer (BatchAPI) and the command line encode
// these as they need; names follow the seed's fields (batch_id, output_dir, docs_dir …).

/// Where the requests of a submission come from.
public enum SubmissionInput: Sendable {
    /// A request file named by a client: relative to the working directory (`inputs/x.jsonl`) or to the
    /// inputs folder; it must resolve inside the inputs folder (`Workspace.inputFile`).
    case path(String)
    /// A file a client uploaded, spooled by the coordinator's `uploads` (`UploadSpool.withUpload`): it is
    /// moved, not copied, to `outputs/<batch_id>/input.jsonl`.
    case upload(UploadedInput)
    /// A file the command line staged next to the outputs (a copy of the user's file): it is moved,
    /// not copied, to `outputs/<batch_id>/input.jsonl`. `filename` is the client's name, for logs only.
    case uploadedFile(path: String, filename: String)
    /// Request lines given inline, each one JSON object as text (the REST `requests` array).
    case lines([String])
    /// The inline spec of the Go seed (`system: … || user: … /// user: …`) with the model for every request.
    case spec(String, model: String)
}

/// A submission: the input and how to create the batch.
public struct SubmitRequest: Sendable {
    /// The requests.
    public var input: SubmissionInput
    /// A name for the job, kept in the batch's metadata (`job_name`) and used for idempotency.
    public var jobName: String?
    /// Only `24h` today.
    public var completionWindow: String
    /// The endpoint; `nil` takes the `url` of the file's lines.
    public var endpoint: String?
    /// Extra metadata for the batch (the service adds `job_name` and `input_sha256`).
    public var metadata: [String: String]
    /// Submit again even when the same input and job name already made a batch.
    public var force: Bool

    /// Creates a submission.
    public init(input: SubmissionInput, jobName: String? = nil, completionWindow: String = "24h", endpoint: String? = nil,
                metadata: [String: String] = [:], force: Bool = false) {
        self.input = input
        self.jobName = jobName
        self.completionWindow = completionWindow
        self.endpoint = endpoint
        self.metadata = metadata
        self.force = force
    }
}

/// What a submission made (or found, when it was a repeat).
public struct SubmitResult: Sendable {
    /// The batch.
    public var batch: Batch
    /// `outputs/<batch_id>` as an absolute path.
    public var outputDirectory: String
    /// The number of requests in the input.
    public var requestCount: Int
    /// True when an earlier batch of the same input and job name was returned instead of a new one.
    public var reused: Bool

    /// Creates a result.
    public init(batch: Batch, outputDirectory: String, requestCount: Int, reused: Bool) {
        self.batch = batch
        self.outputDirectory = outputDirectory
        self.requestCount = requestCount
        self.reused = reused
    }
}

/// What `download` wrote.
public struct DownloadResult: Sendable {
    /// The batch as last fetched.
    public var batch: Batch
    /// Absolute path of `output.jsonl`, when the batch had an output file.
    public var outputFile: String?
    /// Absolute path of `errors.jsonl`, when the batch had an error file.
    public var errorsFile: String?
    /// Every `custom_id` of the input that is in neither file (never run, e.g. after a cancel).
    public var missingCustomIDs: [String]
    /// Tokens and USD per model from `output.jsonl` (`usage.json`); `nil` when they could not be tallied.
    public var usage: UsageReport?

    /// Creates a result.
    public init(batch: Batch, outputFile: String?, errorsFile: String?, missingCustomIDs: [String], usage: UsageReport? = nil) {
        self.batch = batch
        self.outputFile = outputFile
        self.errorsFile = errorsFile
        self.missingCustomIDs = missingCustomIDs
        self.usage = usage
    }
}

/// One batch of a listing, with what exists for it locally.
public struct ListedBatch: Sendable {
    /// The batch as the API listed it.
    public var batch: Batch
    /// Whether `outputs/<batch_id>/` exists here, and which of its artifacts.
    public var local: LocalArtifacts?

    /// Creates an entry.
    public init(batch: Batch, local: LocalArtifacts?) {
        self.batch = batch
        self.local = local
    }
}

/// The artifacts present in `outputs/<batch_id>/`.
public struct LocalArtifacts: Sendable, Hashable {
    /// The folder, absolute.
    public var outputDirectory: String
    /// File names present at the top of the folder (`batch.json`, `input.jsonl`, `output.jsonl`, `errors.jsonl`, `index.json`).
    public var files: [String]
    /// Whether `docs/` exists.
    public var hasDocs: Bool

    /// Creates the record.
    public init(outputDirectory: String, files: [String], hasDocs: Bool) {
        self.outputDirectory = outputDirectory
        self.files = files
        self.hasDocs = hasDocs
    }
}

/// A page of `list`.
public struct BatchListing: Sendable {
    /// The batches, newest first.
    public var batches: [ListedBatch]
    /// Whether more follow (ask again with `after` = the last id).
    public var hasMore: Bool
    /// The last id of this page.
    public var lastID: String?

    /// Creates a page.
    public init(batches: [ListedBatch], hasMore: Bool, lastID: String?) {
        self.batches = batches
        self.hasMore = hasMore
        self.lastID = lastID
    }
}

/// A whole run: submit → wait → download → parse.
public struct RunRequest: Sendable {
    /// The submission.
    public var submission: SubmitRequest
    /// Seconds between polls.
    public var pollInterval: Double
    /// Give up waiting after this many seconds (`nil`: the completion window bounds it).
    public var timeout: Double?
    /// Parse into documents after downloading.
    public var doParse: Bool
    /// Refuse to submit when the plan's upper cost estimate is over this many USD (or cannot be bounded).
    public var maxCostUSD: Double?

    /// Creates a run request.
    public init(submission: SubmitRequest, pollInterval: Double = 5, timeout: Double? = nil, doParse: Bool = true, maxCostUSD: Double? = nil) {
        self.submission = submission
        self.maxCostUSD = maxCostUSD
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.doParse = doParse
    }
}

/// How a run ended (or where it is, for one still going).
public struct RunResult: Sendable {
    /// The batch as last fetched.
    public var batch: Batch
    /// `outputs/<batch_id>`.
    public var outputDirectory: String
    /// The durable state of the run (phase, failure).
    public var run: PipelineRun
    /// What download wrote, once it ran.
    public var download: DownloadResult?
    /// What parse wrote, once it ran.
    public var index: ParseIndex?
    /// True when the submission reused an earlier batch.
    public var reused: Bool
    /// Tokens and USD per model, once the results are downloaded (the download's, unless given).
    public var usage: UsageReport?

    /// Creates a result.
    public init(batch: Batch, outputDirectory: String, run: PipelineRun, download: DownloadResult? = nil,
                index: ParseIndex? = nil, reused: Bool = false, usage: UsageReport? = nil) {
        self.batch = batch
        self.outputDirectory = outputDirectory
        self.run = run
        self.download = download
        self.index = index
        self.reused = reused
        self.usage = usage ?? download?.usage
    }
}
