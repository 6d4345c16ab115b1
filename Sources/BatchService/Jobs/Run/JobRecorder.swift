import Synchronization

/// The one writer of a job's state while it is driven: applies each event to the `JobRun` and writes the
/// result to the store (durable) before the next event goes in, so `job.json` always holds a state the
/// job really passed through, in order, whichever of its slots' tasks reported the event. A cancel another
/// process stored meanwhile is applied before the event, never written over.
final class JobRecorder: Sendable {
    private let state: Mutex<JobRun>
    private let registry: JobRegistry
    let jobID: String

    init(_ run: JobRun, registry: JobRegistry) {
        state = Mutex(run)
        self.registry = registry
        jobID = run.jobID
    }

    /// The latest state.
    var current: JobRun { state.withLock { $0 } }

    /// Applies `event` and stores the result; false when the event made no sense (nothing stored).
    @discardableResult
    func apply(_ event: JobRun.Event) async throws(WorkspaceError) -> Bool {
        try await update { $0.apply(event) }
    }

    /// Changes the state with `change` and stores it when it says it changed something.
    @discardableResult
    func update(_ change: @escaping @Sendable (inout JobRun) -> Bool) async throws(WorkspaceError) -> Bool {
        let store = registry.store
        return try await registry.recordGate.withKey(jobID) { [self] () async throws(WorkspaceError) -> Bool in
            // Another process (the command line beside `serve`) records a cancel in the store itself; taken in
            // first, so this write keeps it instead of putting the job back to running.
            let cancelledElsewhere = await self.cancelledInStore(store)
            let (cancelled, changed, snapshot) = self.state.withLock { run in
                let cancelled = cancelledElsewhere && run.apply(.cancel)
                return (cancelled, change(&run), run)
            }
            guard changed || cancelled else { return false }
            try await store.putJob(snapshot)
            return changed
        }
    }

    /// Whether the stored job says cancelling or cancelled while this one still runs.
    private func cancelledInStore(_ store: any JobStateStore) async -> Bool {
        guard current.phase == .running, let id = try? BatchID(jobID), let stored = await store.job(id) else { return false }
        return stored.phase == .cancelling || stored.phase == .cancelled
    }
}
