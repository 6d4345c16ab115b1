import Foundation
import Logging
import OpenAIClient

/// Every file and batch of the simulator. An actor: handlers and batch processors share it.
actor SimulatorStore {
    let clock: any SimulatorClock
    let configuration: SimulatorConfiguration
    /// Where file contents live.
    let filesDirectory: String
    private var files: [String: StoredFile] = [:]
    private var batches: [String: BatchRecord] = [:]
    private var sequence = 0
    private var tokenLimitFailuresLeft = 0

    /// Where `state.json` is saved, when persistence is on.
    let stateDirectory: String?
    let logger: Logger

    init(clock: any SimulatorClock, configuration: SimulatorConfiguration, filesDirectory: String,
         stateDirectory: String? = nil, restoring state: SimulatorState = SimulatorState(), logger: Logger) {
        self.logger = logger
        self.clock = clock
        self.configuration = configuration
        self.filesDirectory = filesDirectory
        self.stateDirectory = stateDirectory
        files = Dictionary(state.files.map { ($0.object.id, $0) }, uniquingKeysWith: { _, last in last })
        batches = Dictionary(state.batches.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        sequence = state.sequence
        tokenLimitFailuresLeft = configuration.tokenLimitFailures
    }

    /// Makes the next `count` batches fail with `token_limit_exceeded`.
    func failNextBatchesWithTokenLimit(_ count: Int) {
        tokenLimitFailuresLeft += count
    }

    /// Whether this batch is to fail on the queue limit (consumes one).
    func takeTokenLimitFailure() -> Bool {
        guard tokenLimitFailuresLeft > 0 else { return false }
        tokenLimitFailuresLeft -= 1
        return true
    }

    /// Admits `tokens` more of `model` into the queue unless that passes `limit` counted with the model's
    /// admitted batches that have not ended; records them on the batch. Returns whether it was admitted.
    /// One actor call checks and records, so two batches validated at once cannot both slip under the cap.
    func enqueue(_ id: String, model: String?, tokens: Int, limit: Int?) -> Bool {
        if let limit {
            let running = batches.values.filter { record in
                record.id != id && record.model == model && record.enqueuedTokens != nil && !record.lifecycle.isTerminal
            }
            let queued = running.reduce(0) { $0 + ($1.enqueuedTokens ?? 0) }
            guard queued + tokens <= limit else { return false }
        }
        batches[id]?.enqueuedTokens = tokens
        return true
    }

    /// Saves the state when persistence is on; a failure is reported, not fatal (the API goes on).
    private func save() {
        guard let stateDirectory else { return }
        let state = SimulatorState(files: Array(files.values), batches: Array(batches.values), sequence: sequence)
        do {
            try state.save(to: stateDirectory)
        } catch {
            logger.error("cannot save the simulator's state: \(error)")
        }
    }

    // MARK: - Files

    /// Takes ownership of a file on disk (renamed into the files directory) and registers it.
    func addFile(movingFrom source: String, bytes: Int64, filename: String, purpose: String, expiresAfter: Int?) throws -> FileObject {
        let id = Identifiers.file()
        let path = filesDirectory + "/" + id
        guard rename(source, path) == 0 else { throw FileIOError(call: "rename", path: source, errno: errno) }
        let now = Int(clock.now())
        let expiry = expiresAfter ?? (purpose.hasPrefix("batch") ? configuration.defaultFileExpirySeconds : nil)
        let object = FileObject(
            id: id, bytes: Int(bytes), createdAt: now, filename: filename, purpose: purpose,
            status: "processed", expiresAt: expiry.map { now + $0 }
        )
        sequence += 1
        files[id] = StoredFile(object: object, path: path, sequence: sequence)
        save()
        return object
    }

    func file(_ id: String) -> StoredFile? { files[id] }

    /// Forgets a file and deletes its bytes; false when unknown.
    func deleteFile(_ id: String) -> Bool {
        guard let file = files.removeValue(forKey: id) else { return false }
        unlink(file.path)
        save()
        return true
    }

    func listFiles(purpose: String?, after: String?, limit: Int, ascending: Bool) -> ListPage<FileObject> {
        var all = files.values.filter { purpose == nil || $0.object.purpose == purpose }
            .sorted { ($0.object.createdAt, $0.sequence) < ($1.object.createdAt, $1.sequence) }
        if !ascending { all.reverse() }
        return Self.page(all.map(\.object), after: after, limit: limit, id: \.id)
    }

    // MARK: - Batches

    func createBatch(_ request: CreateBatchRequest) -> Batch {
        let id = Identifiers.batch()
        sequence += 1
        let lifecycle = BatchLifecycle(
            createdAt: clock.now(), window: configuration.completionWindowSeconds, speedFactor: configuration.windowSpeedFactor
        )
        let record = BatchRecord(
            id: id, endpoint: request.endpoint, inputFileID: request.inputFileID,
            completionWindow: request.completionWindow, metadata: request.metadata,
            outputExpiresAfter: request.outputExpiresAfter, model: nil, lifecycle: lifecycle, sequence: sequence
        )
        batches[id] = record
        save()
        return record.batch
    }

    func batch(_ id: String) -> Batch? { batches[id]?.batch }

    func record(_ id: String) -> BatchRecord? { batches[id] }

    func setModel(_ id: String, _ model: String?) {
        batches[id]?.model = model
        save()
    }

    /// Applies an event to a batch's lifecycle at the clock's time.
    @discardableResult
    func apply(_ event: BatchLifecycle.Event, to id: String) throws -> [BatchLifecycle.Action] {
        guard var record = batches[id] else { throw APIError.notFound("Batch", id) }
        let actions = try record.lifecycle.handle(event, at: clock.now())
        batches[id] = record
        switch event {
        case .requestFinished, .requestsFinished: break  // counts are saved with the next phase
        default: save()
        }
        return actions
    }

    /// Whether a processor may start its next request: `nil` to go on, else the code under which
    /// requests that never run are listed. Passing the deadline here is what expires a batch.
    func checkpoint(_ id: String) -> String? {
        guard var record = batches[id] else { return "batch_cancelled" }
        if record.lifecycle.status == .cancelling { return "batch_cancelled" }
        if record.lifecycle.expiring { return "batch_expired" }
        if clock.now() >= record.lifecycle.deadline,
           let actions = try? record.lifecycle.handle(.deadlinePassed, at: clock.now()) {
            batches[id] = record
            save()
            for case .stopProcessing(let code) in actions { return code }
        }
        return nil
    }

    /// Finished requests counted in one event, then the checkpoint before the next (`nil` to go
    /// on): a batch worked out ahead crosses to the actor once a chunk, not once a line.
    func finishRequests(_ id: String, _ results: [(succeeded: Bool, usage: BatchUsage?)]) throws -> String? {
        let succeeded = results.reduce(0) { $0 + ($1.succeeded ? 1 : 0) }
        let usage = results.reduce(BatchUsage()) { total, result in result.usage.map { total + $0 } ?? total }
        try apply(.requestsFinished(succeeded: succeeded, failed: results.count - succeeded, usage: usage), to: id)
        return checkpoint(id)
    }

    func listBatches(after: String?, limit: Int) -> ListPage<Batch> {
        let all = batches.values.sorted {
            ($0.lifecycle.createdAt, $0.sequence) > ($1.lifecycle.createdAt, $1.sequence)
        }
        return Self.page(all.map(\.batch), after: after, limit: limit, id: \.id)
    }

    /// Batches not yet terminal (to cancel their processors at shutdown, or resume them).
    func activeBatchIDs() -> [String] {
        batches.values.filter { !$0.lifecycle.isTerminal }.map(\.id)
    }

    // MARK: - Paging

    static func page<T>(_ items: [T], after: String?, limit: Int, id: KeyPath<T, String>) -> ListPage<T> {
        var start = 0
        if let after {
            guard let index = items.firstIndex(where: { $0[keyPath: id] == after }) else {
                return ListPage(data: [], firstID: nil, lastID: nil, hasMore: false)
            }
            start = index + 1
        }
        let slice = Array(items[start..<min(items.count, start + limit)])
        return ListPage(
            data: slice, firstID: slice.first?[keyPath: id], lastID: slice.last?[keyPath: id],
            hasMore: start + slice.count < items.count
        )
    }
}
