import BatchCore
import Foundation
import Logging
import OpenAIClient
import OutputParser

/// Orchestrates the pipeline on top of a `BatchBackend`: submit, status, wait, cancel, list, download,
/// parse and run, with the layout of DESIGN.md §6 under `outputs/<batch_id>/`.
///
/// Every file is written atomically; runs are durable (their `PipelineRun` state is fsynced after each
/// transition, and `resumeRuns()` finishes them after a restart without submitting again).
///
/// CONTRACT: the signatures below are what BatchAPI and the command line call. The bodies are being built
/// (issue 5); until then they throw `internalError`.
public final class BatchCoordinator: Sendable {
    /// The API the coordinator drives.
    public let backend: any BatchBackend
    /// The folders it works in.
    public let workspace: Workspace
    let logger: Logger

    /// Creates a coordinator over a backend and a workspace.
    public init(backend: any BatchBackend, workspace: Workspace, logger: Logger) {
        self.backend = backend
        self.workspace = workspace
        self.logger = logger
    }

    /// Finds runs on disk that did not finish (a server stopped during wait, download or parse) and goes on
    /// with each in the background. Call once at start.
    public func resumeRuns() async {}

    /// Validates the input (every bad line → `invalidInput` with line numbers), copies it to
    /// `outputs/<batch_id>/input.jsonl`, uploads it, creates the batch with `metadata` carrying `job_name`
    /// and `input_sha256`, and writes `batch.json`. The same input and job name again returns the earlier
    /// batch (`reused`) unless `force`.
    public func submit(_ request: SubmitRequest) async throws(BatchServiceError) -> SubmitResult {
        throw BatchServiceError(.internalError, "submit is not built yet")
    }

    /// Fetches the batch and refreshes `batch.json` when its folder exists.
    public func batch(id: String) async throws(BatchServiceError) -> Batch {
        throw BatchServiceError(.internalError, "batch is not built yet")
    }

    /// The durable run of this batch, when one was started here.
    public func runState(id: String) async -> PipelineRun? { nil }

    /// Follows the batch to a terminal state, polling every `pollInterval` seconds (progress logged),
    /// persisting `batch.json` each time; `timedOut` after `timeout` seconds.
    public func wait(id: String, pollInterval: Double, timeout: Double?) async throws(BatchServiceError) -> Batch {
        throw BatchServiceError(.internalError, "wait is not built yet")
    }

    /// Cancels the batch.
    public func cancel(id: String) async throws(BatchServiceError) -> Batch {
        throw BatchServiceError(.internalError, "cancel is not built yet")
    }

    /// One page of batches, newest first, with what exists locally for each.
    public func list(after: String?, limit: Int?) async throws(BatchServiceError) -> BatchListing {
        throw BatchServiceError(.internalError, "list is not built yet")
    }

    /// Writes `output.jsonl` and `errors.jsonl` for a batch that has result files (completed, or expired /
    /// cancelled with partial results); `conflict` before that. Accounts for every input `custom_id`.
    public func download(id: String) async throws(BatchServiceError) -> DownloadResult {
        throw BatchServiceError(.internalError, "download is not built yet")
    }

    /// Parses the downloaded results into `docs/` and `index.json`; `notFound` when nothing was downloaded.
    public func parse(id: String, force: Bool, only: Set<String>?) async throws(BatchServiceError) -> ParseIndex {
        throw BatchServiceError(.internalError, "parse is not built yet")
    }

    /// Submit → wait → download → parse, durable: returns when the run ends.
    public func run(_ request: RunRequest) async throws(BatchServiceError) -> RunResult {
        throw BatchServiceError(.internalError, "run is not built yet")
    }

    /// Submits and starts the rest of the run in the background (it goes on even if the caller goes away);
    /// returns once the batch exists. For `Prefer: respond-async`.
    public func startRun(_ request: RunRequest) async throws(BatchServiceError) -> SubmitResult {
        throw BatchServiceError(.internalError, "startRun is not built yet")
    }
}
