import BatchCore
import Foundation
import Logging
import OpenAIClient
import OutputParser
import Synchronization
import SystemIO

/// Orchestrates the pipeline on top of a `BatchBackend`: submit, status, wait, cancel, list, download,
/// parse and run, with the layout of docs/ARCHITECTURE.md § Storage layout under `outputs/<batch_id>/`.
///
/// Every file is written atomically; runs are durable (their `PipelineRun` state is fsynced after each
/// transition, and `resumeRuns()` finishes them after a restart without submitting again).
///
/// The operations live in aspects: `+Submit`, `+Query` (batch, cancel, list), `+Wait`, `+Download`,
/// `+Parse`, `+Run`. File I/O runs on dedicated threads (`BlockingThread`), never on the concurrency pool.
public final class BatchCoordinator: Sendable {
    /// The API the coordinator drives.
    public let backend: any BatchBackend
    /// The folders it works in (request files are read from its inputs folder).
    public let workspace: Workspace
    /// Where the state of batches and runs is kept (`FileStateStore` unless given).
    public let stateStore: any BatchStateStore
    /// Where the artifacts of batches are kept (`FileArtifactStore` unless given).
    public let artifactStore: any ArtifactStore
    /// Where prompt templates live (their `format: puml` decides which segments parse as PlantUML).
    public let promptsDirectory: String?
    /// How runs retry, poll and time out.
    public let policy: RunPolicy
    /// The rules submitted files must satisfy.
    public let limits: BatchLimits
    /// The prices usage is costed with, and who hears of each batch's first tally (docs/ARCHITECTURE.md § Jobs).
    public let usageLedger: UsageLedger
    let logger: Logger
    let state = Mutex(CoordinatorState())
    /// One submission at a time per key in this process (the state store's create settles it between processes).
    let submissionGate = KeyedGate<SubmissionKey>()
    /// One parse at a time per batch: two parsers of one folder would share (and remove) its staged `docs/`.
    let parseGate = KeyedGate<String>()
    /// Jobs: their store, policy, the enqueued-token ledger every job shares, and the drivers running now.
    let jobs: JobRegistry
    /// Retries by hand of single batches running here (docs/ARCHITECTURE.md § Retrying a batch by hand).
    let batchRetries = BatchRetryRegistry()
    /// Counts the tokens of request lines when a run's input is planned (exact with a loaded vocabulary).
    public let tokenCounter: any RequestTokenCounting

    /// Creates a coordinator over a backend and a workspace; the stores default to the files of
    /// `outputs/<batch_id>/` (docs/ARCHITECTURE.md § Storage layout); jobs' state to `outputs/<job_id>/job.json`.
    public init(backend: any BatchBackend, workspace: Workspace, logger: Logger, promptsDirectory: String? = nil,
                policy: RunPolicy = RunPolicy(), limits: BatchLimits = .openAI,
                stateStore: (any BatchStateStore)? = nil, artifactStore: (any ArtifactStore)? = nil,
                jobStore: (any JobStateStore)? = nil, jobPolicy: JobRunPolicy = JobRunPolicy(),
                tokenCounter: (any RequestTokenCounting)? = nil, prices: PriceTable = .standard) {
        self.backend = backend
        self.workspace = workspace
        self.stateStore = stateStore ?? FileStateStore(outputsDirectory: workspace.outputsDirectory)
        self.artifactStore = artifactStore ?? FileArtifactStore(workspace: workspace)
        self.logger = logger
        self.promptsDirectory = promptsDirectory
        self.policy = policy
        self.limits = limits
        jobs = JobRegistry(store: jobStore ?? FileJobStore(outputsDirectory: workspace.outputsDirectory), policy: jobPolicy)
        self.tokenCounter = tokenCounter ?? Self.defaultTokenCounter
        usageLedger = UsageLedger(prices: prices)
    }

    /// How jobs retry and wait.
    public var jobPolicy: JobRunPolicy { jobs.policy }

    /// The one owner of uploaded request files (`outputs/.uploads`): spooling, inflating, clean-up.
    public var uploads: UploadSpool {
        UploadSpool(directory: workspace.outputsDirectory + "/" + UploadSpool.folderName, maxInflatedBytes: limits.maxBytes)
    }

    // MARK: - Shared helpers

    /// Checks an id before it names a folder (`badRequest` otherwise).
    func checkedID(_ id: String) throws(BatchServiceError) -> BatchID {
        do {
            return try BatchID(id)
        } catch {
            throw BatchServiceError(error)
        }
    }

    /// Runs a store operation, mapping its failure.
    func stored<T: Sendable>(_ body: () async throws(WorkspaceError) -> T) async throws(BatchServiceError) -> T {
        do {
            return try await body()
        } catch {
            throw BatchServiceError(error)
        }
    }
}

/// The coordinator's mutable state, behind its mutex.
struct CoordinatorState: Sendable {
    /// The runs being driven in this process, by batch id.
    var drivers: [String: RunTask] = [:]
    /// The latest state of each run being driven, for `runState` without a disk read.
    var liveRuns: [String: PipelineRun] = [:]
}
