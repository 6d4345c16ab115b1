/// Where the service keeps the durable state of jobs (`JobRun`), behind a seam like `BatchStateStore`'s:
/// today `FileJobStore` (`outputs/<job_id>/job.json`), later a database row per job.
///
/// The operations are the ones a database does well: get and put by job id (a put is durable before it
/// returns), and a listing. A job's files (its parts, `docs/`, `index.json`) need a local folder for the work
/// that writes them: `materialise(_:)` gives it, as `ArtifactStore.materialise` does for a batch.
public protocol JobStateStore: Sendable {
    /// The stored state of `id`, or nil.
    func job(_ id: BatchID) async -> JobRun?

    /// Stores a job's state, durable before it returns (a job resumes from the last one stored).
    func putJob(_ job: JobRun) async throws(WorkspaceError)

    /// Every job known here, newest first.
    func jobs() async -> [JobRun]

    /// The job's local folder (created when missing): its parts, `docs/` and `index.json` live there.
    func materialise(_ id: BatchID) async throws(WorkspaceError) -> String
}
