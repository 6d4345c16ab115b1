import BatchService
import OpenAIClient

/// What `run --json` prints: the batch as last fetched and where everything landed.
struct RunReport: Encodable {
    /// The batch as last fetched.
    var batch: Batch
    /// `outputs/<batch_id>`, absolute.
    var outputDirectory: String
    /// Requests in the input.
    var requestCount: Int
    /// Whether an earlier batch of the same input and job name was followed instead of a new one.
    var reused: Bool
    /// `output.jsonl`, once downloaded.
    var outputFile: String?
    /// `errors.jsonl`, once downloaded and when there were failed requests.
    var errorsFile: String?
    /// Input custom_ids found in neither file (a cancelled or expired batch).
    var missingCustomIDs: [String]?
    /// The documents folder, once parsed.
    var docsDirectory: String?
    /// `index.json`, once parsed.
    var indexFile: String?
    /// Documents written / skipped (already there) / failed results, once parsed.
    var processed: Int?
    var skipped: Int?
    var failed: Int?
    /// The assembled `docs/<proc>/final.md` files, once parsed.
    var finals: [String]?
    /// Tokens and USD per model (`usage.json`), once the results are downloaded.
    var usage: UsageReport?
    /// Whether the run reached what was asked (a completed batch, downloaded and parsed).
    var succeeded: Bool

    enum CodingKeys: String, CodingKey {
        case batch
        case outputDirectory = "output_dir"
        case requestCount = "requests"
        case reused
        case outputFile = "output_file"
        case errorsFile = "errors_file"
        case missingCustomIDs = "missing_custom_ids"
        case docsDirectory = "docs_dir"
        case indexFile = "index_file"
        case processed, skipped, failed, finals, usage, succeeded
    }
}
