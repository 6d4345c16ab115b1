import Foundation
import OpenAIClient

// Finding the batch of a create whose answer never came (docs/ARCHITECTURE.md § The phases of a run):
// the create carried a deterministic token in its metadata, recorded durably before the call went out, so
// the backend's recent batches say whether it made one.
extension BatchCoordinator {
    /// How far the search pages back: batches are listed newest first, and once a page reaches batches made
    /// this long before the pending create, older pages cannot hold its batch (the margin covers the
    /// difference between this machine's clock and the backend's).
    static let adoptionClockMargin = 600
    /// At most this many pages of 100 batches are searched, whatever the clocks say.
    static let adoptionMaxPages = 20

    /// Resolves an unanswered create: the batch it made, found by its token, is recorded and returned
    /// (`reused: false`: this submission is the first to record it). Returns nil when it was recorded
    /// already, or when the backend lists no batch with its token; the pending record then stays until the
    /// next create of the key replaces it.
    func adopt(_ pending: PendingSubmission, earlier: SubmissionRecord?, _ attempt: Attempt) async throws(BatchServiceError) -> Submission? {
        let key = pending.key
        if let earlier, earlier.token == pending.token {
            // Its batch was recorded; only the removal of the pending record was lost.
            await stateStore.removePendingSubmission(forKey: key)
            return nil
        }
        guard let batch = try await findBatch(of: pending) else {
            logger.notice("an unanswered create of this input made no batch the backend lists", metadata: [
                "submission_token": "\(pending.token)", "attempt": "\(pending.attempt)",
            ])
            return nil
        }
        logger.notice("adopting the batch an unanswered create made", metadata: [
            "batch_id": "\(batch.id)", "submission_token": "\(pending.token)", "attempt": "\(pending.attempt)",
        ])
        return try await publish(batch, pending: pending, attempt, replacing: earlier?.batchID)
    }

    /// The batch whose metadata carries `pending`'s token, among the backend's batches made since shortly
    /// before the create went out (`GET /batches`, 100 a page, following `after`).
    func findBatch(of pending: PendingSubmission) async throws(BatchServiceError) -> Batch? {
        var after: String?
        for _ in 0..<Self.adoptionMaxPages {
            let cursor = after
            let page = try await backendCall("list batches to find an unanswered create") {
                try await backend.listBatches(after: cursor, limit: 100)
            }
            if let batch = page.data.first(where: { $0.metadata?[OpenAI.submissionMetadataKey] == pending.token }) {
                return batch
            }
            guard page.hasMore, let last = page.lastID ?? page.data.last?.id,
                  let oldest = page.data.map(\.createdAt).min(), oldest >= pending.startedAt - Self.adoptionClockMargin
            else { return nil }
            after = last
        }
        return nil
    }

    /// Whether a failed create may have made its batch all the same: the answer was lost (a timeout, a
    /// dropped connection, a cancelled call, an unreadable 2xx) or the server failed after acting (5xx).
    /// A 4xx or a request that could not be made is a refusal.
    static func mayHaveCreated(_ error: any Error) -> Bool {
        guard let error = error as? OpenAIError else { return true }
        switch error.kind {
        case .api: return (error.status ?? 500) >= 500
        case .connection, .timeout, .cancelled, .decoding: return true
        case .invalidRequest: return false
        }
    }
}
