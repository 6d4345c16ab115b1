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
        let workspace = workspace
        let batches = await BlockingThread.run("list") { () -> [ListedBatch] in
            page.data.map { batch in
                let local = (try? BatchID(batch.id)).flatMap { BatchFolder(path: workspace.batchDirectory($0)).artifacts() }
                return ListedBatch(batch: batch, local: local)
            }
        }
        return BatchListing(batches: batches, hasMore: page.hasMore, lastID: page.lastID ?? page.data.last?.id)
    }

    // MARK: - Shared

    /// `GET /batches/{id}`, then `batch.json` written (the folder made first when `creatingFolder`).
    func fetch(_ id: BatchID, creatingFolder: Bool) async throws(BatchServiceError) -> Batch {
        let raw = id.rawValue
        let batch = try await backendCall("retrieve batch \(raw)") { try await backend.retrieveBatch(id: raw) }
        try await persist(batch, id, creatingFolder: creatingFolder)
        return batch
    }

    /// Writes `batch.json` (durable) when the folder exists, or after making it.
    func persist(_ batch: Batch, _ id: BatchID, creatingFolder: Bool) async throws(BatchServiceError) {
        let folder = folder(id)
        try await onDisk("batch.json") { () throws(WorkspaceError) in
            if creatingFolder { try folder.create() } else if !folder.exists { return }
            try folder.writeBatch(batch)
        }
    }
}
