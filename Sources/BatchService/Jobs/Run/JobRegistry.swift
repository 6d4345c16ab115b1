import Synchronization

/// What the coordinator keeps for jobs, shared by every job it drives: where jobs are stored, how they retry,
/// the enqueued-token ledger, the drivers running now, and the gate that lets one batch at a time be parsed
/// and merged (a parse holds a batch's index in memory: one at a time keeps a 10-batch job's memory at one
/// batch's).
final class JobRegistry: Sendable {
    /// Where jobs are stored.
    let store: any JobStateStore
    /// How jobs retry and wait.
    let policy: JobRunPolicy
    /// The budget every job shares.
    let ledger = EnqueuedTokenLedger()
    /// One parse + merge at a time in this process.
    let mergeGate = KeyedGate<String>()
    /// One change of a job's state at a time, in order (each is written durably before the next).
    let recordGate = KeyedGate<String>()
    /// The drivers running now, by job id, with the latest state of each.
    let active = Mutex<[String: ActiveJob]>([:])

    init(store: any JobStateStore, policy: JobRunPolicy) {
        self.store = store
        self.policy = policy
    }
}

/// A job being driven in this process.
struct ActiveJob: Sendable {
    /// The driver; it ends with the job's final state.
    var task: Task<JobRun, Never>
    /// Where its state changes go.
    var recorder: JobRecorder
}
