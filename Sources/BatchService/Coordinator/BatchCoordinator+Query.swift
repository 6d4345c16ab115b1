import Foundation
import OpenAIClient
import SystemIO

extension BatchCoordinator {
    /// Fetches the batch and refreshes `batch.json` when its folder exists.
    public func batch(id: String) async throws(BatchServiceError) -> Batch {
        try await fetch(checkedID(id), creatingFolder: false)
    }

    /// Cancels the batch (`conflict` when it has already ended) and refreshes `batch.json`.
    public func cancel(id: String) async throws(BatchServiceError) -> Batch {
        let batchID = try checkedID(id)
        let batch = try await backendCall("cancel batch \(id)") { try await backend.cancelBatch(id: id) }
        try await persist(batch, batchID, creatingFolder: false)
        logger.info("batch cancel requested", metadata: ["batch_id": "\(id)", "status": "\(batch.status)"])
        return batch
    }

    /// One page of batches, newest first, with what exists locally for each.
    public func list(after: String?, limit: Int?) async throws(BatchServiceError) -> BatchListing {
        if let limit, !(1...100).contains(limit) {
            throw BatchServiceError(.badRequest, "limit must be between 1 and 100, not \(limit).")
        }
        if let after { _ = try checkedID(after) }
        let page = try await backendCall("list batches") { try await backend.listBatches(after: after, limit: limit) }
        var batches: [ListedBatch] = []
        for batch in page.data {
            let local: LocalArtifacts? = if let id = try? BatchID(batch.id) { await artifactStore.inventory(of: id) } else { nil }
            batches.append(ListedBatch(batch: batch, local: local))
        }
        return BatchListing(batches: batches, hasMore: page.hasMore, lastID: page.lastID ?? page.data.last?.id)
    }

    /// How many batches are known here, by the status last stored (runs in the background included: the
    /// stored batch is refreshed after every poll).
    public func batchCountsByStatus() async -> [String: Int] {
        await stateStore.countByStatus()
    }

    // MARK: - Shared

    /// `GET /batches/{id}`, then `batch.json` written (the folder made first when `creatingFolder`).
    func fetch(_ id: BatchID, creatingFolder: Bool) async throws(BatchServiceError) -> Batch {
        let raw = id.rawValue
        let batch = try await backendCall("retrieve batch \(raw)") { try await backend.retrieveBatch(id: raw) }
        try await persist(batch, id, creatingFolder: creatingFolder)
        return batch
    }

    /// Stores the batch (durable) when it is known here, or after making it known.
    func persist(_ batch: Batch, _ id: BatchID, creatingFolder: Bool) async throws(BatchServiceError) {
        try await stored { () async throws(WorkspaceError) in try await stateStore.putBatch(batch, for: id, creating: creatingFolder) }
    }
}
