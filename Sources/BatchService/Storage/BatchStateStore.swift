import OpenAIClient

/// Where the service keeps what it knows of each batch: the latest `Batch` object, the submission that
/// made it (the key of idempotent submission) and the durable state of its run. Artifacts (the input,
/// results, documents) live in an `ArtifactStore`.
///
/// The coordinator reaches state only through this protocol, so that a second implementation can be
/// added without touching it. Today's is `FileStateStore` (`batch.json`, `submission.json`, `run.json`
/// in `outputs/<batch_id>/`, docs/ARCHITECTURE.md § Storage layout). The operations are the ones a database does well:
/// - get and put by batch id (a put of run state is durable before it returns: the file store fsyncs
///   the file and its folder; a database commits);
/// - a lookup by submission key (`SubmissionKey`: the input's SHA-256 with the job name), and the create
///   call of a key still unanswered (`PendingSubmission`, written before the call goes out);
/// - one create, `create(_:publishing:replacing:)`: create-if-absent on the batch id and compare-and-set
///   on the submission key, so that two instances cannot both record a batch for the same input (a
///   database: a unique index on `(input_sha256, job_name)`); the loser gets the winner's record;
/// - a listing of runs that did not finish, to resume them after a restart, and a count by status.
/// No leases: one process drives a run (a second instance coordinating runs would need them).
public protocol BatchStateStore: Sendable {
    /// The latest Batch object stored for `id`, or nil.
    func batch(_ id: BatchID) async -> Batch?

    /// Stores the latest Batch object of `id` (durable). With `creating`, makes the batch known here when
    /// it is not (a batch submitted elsewhere, then waited for here); without, does nothing for an unknown id.
    func putBatch(_ batch: Batch, for id: BatchID, creating: Bool) async throws(WorkspaceError)

    /// The durable state of `id`'s run, or nil.
    func run(_ id: BatchID) async -> PipelineRun?

    /// Stores a run's state, durable before it returns (a run resumes from the last one stored).
    func putRun(_ run: PipelineRun, for id: BatchID) async throws(WorkspaceError)

    /// The submission record of `id`, or nil (a batch submitted elsewhere has none).
    func submission(_ id: BatchID) async -> SubmissionRecord?

    /// The record of the batch an earlier submission of `key` made, or nil.
    func submission(forKey key: SubmissionKey) async -> SubmissionRecord?

    /// Records a new batch: compare-and-set on its submission key, create-if-absent on its id. When the key
    /// is held by `replacing` (nil: by no batch; a batch id: the earlier batch the caller chose to supersede,
    /// one that failed or a forced resubmission) and no batch of this id exists, stores the batch, its
    /// submission and its run, and makes `staged` its `input.jsonl` in the same step (`.created`). When
    /// another batch holds the key, stores nothing and returns `.exists` with its record; a batch id that
    /// is known already is an error (the backend gave an id twice), and nothing is stored either.
    ///
    /// The file store writes the state files into the staging folder and renames it, so a crash leaves
    /// either nothing or the whole folder; a store that keeps state apart from artifacts publishes the
    /// input through its `ArtifactStore` first, then inserts (`INSERT … ON CONFLICT`, or an `UPDATE … WHERE
    /// batch_id = replacing` for a superseded key).
    func create(_ state: NewBatchState, publishing staged: StagedInput, replacing: String?) async throws(WorkspaceError) -> CreateOutcome

    /// The create call of `key` that was never answered (a crash, a timeout, a dropped connection, a 5xx),
    /// or nil.
    func pendingSubmission(forKey key: SubmissionKey) async -> PendingSubmission?

    /// Records a create call about to go out, durable before it returns (a crash right after must find it).
    /// One per key: a newer one replaces it.
    func putPendingSubmission(_ pending: PendingSubmission) async throws(WorkspaceError)

    /// Forgets the pending create of `key` once its outcome is known.
    func removePendingSubmission(forKey key: SubmissionKey) async

    /// How many batches are known here, by the status last stored (the `/metrics` gauge; a database:
    /// `GROUP BY status`).
    func countByStatus() async -> [String: Int]

    /// Tidies what crashed processes left while staging submissions, never what a live process (here or
    /// elsewhere) is working on: the file store publishes a staging folder whose batch was created and
    /// removes the rest (the command line's `.run-*`/`.inflate-*` copies too). Safe to call at any time.
    func sweepStaging() async -> (published: [String], discarded: Int)

    /// Runs that did not reach a terminal phase, after tidying what a crash left (the file store publishes
    /// a staging folder whose batch was created and removes the others). Call once at start.
    func unfinishedRuns() async -> RecoveredRuns
}

/// The state of a batch just created upstream.
public struct NewBatchState: Sendable {
    /// The Batch object the API returned.
    public var batch: Batch
    /// What was submitted (carries the batch id and the submission key).
    public var record: SubmissionRecord
    /// The run to drive, when the submission was part of one.
    public var run: PipelineRun?

    /// Creates the state.
    public init(batch: Batch, record: SubmissionRecord, run: PipelineRun?) {
        self.batch = batch
        self.record = record
        self.run = run
    }
}

/// What `BatchStateStore.create` did.
public enum CreateOutcome: Sendable, Equatable {
    /// The batch was recorded.
    case created
    /// Another batch of the same submission key was recorded first; this is its record.
    case exists(SubmissionRecord)
}

/// What `BatchStateStore.unfinishedRuns` found.
public struct RecoveredRuns: Sendable {
    /// Runs to go on with.
    public var runs: [PipelineRun]
    /// Batches whose half-finished creation was completed (their staged state was published).
    public var published: [String]
    /// Staged submissions that were abandoned and removed.
    public var discarded: Int
}
