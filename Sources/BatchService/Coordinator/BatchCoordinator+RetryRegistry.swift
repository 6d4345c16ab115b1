import Synchronization

/// The retries by hand of single batches going on in this process: one at a time per original batch (the gate
/// holds from the look-up of a running retry until the new one is recorded and launched), and the task of each
/// one running, so the same retry asked again while it runs returns it.
final class BatchRetryRegistry: Sendable {
    /// One retry request at a time per original batch id.
    let gate = KeyedGate<String>()
    /// The running retries, by original batch id: the attempt and the task that follows it to its merge.
    let active = Mutex<[String: (attempt: Int, task: Task<Void, Never>)]>([:])

    /// The attempt running for `batchID`, if any.
    func running(_ batchID: String) -> (attempt: Int, task: Task<Void, Never>)? {
        active.withLock { $0[batchID] }
    }
}
