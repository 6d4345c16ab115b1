import Foundation
import OpenAIClient

// The `BatchBackend` operations: each records its call, then meets an injected failure or does its work.
extension InMemoryBackend {
    package func uploadFile(path: String, filename: String, purpose: String) async throws -> FileObject {
        return try await perform(.uploadFile, path) { state in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw OpenAIError(kind: .invalidRequest, message: "cannot read \(path)")
            }
            let id = "file-mem\(state.take())"
            let object = FileObject(id: id, bytes: data.count, createdAt: state.now, filename: filename, purpose: purpose)
            state.files[id] = (object, Array(data))
            return object
        }
    }

    package func retrieveFile(id: String) async throws -> FileObject {
        return try await perform(.retrieveFile, id) { state in
            guard let file = state.files[id] else { throw Self.noSuchFile(id) }
            return file.object
        }
    }

    package func downloadFileContent(id: String, to path: String) async throws -> Int64 {
        let bytes = try await perform(.downloadFileContent, id) { state in
            guard let file = state.files[id] else { throw Self.noSuchFile(id) }
            return file.bytes
        }
        // Like the real client: a temporary name beside the target, then a rename.
        let temporary = path + ".part-memory"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            unlink(temporary)
            throw OpenAIError(kind: .invalidRequest, message: "cannot write \(path): \(error)")
        }
        return Int64(bytes.count)
    }

    package func deleteFile(id: String) async throws -> FileDeleted {
        return try await perform(.deleteFile, id) { state in
            guard state.files.removeValue(forKey: id) != nil else { throw Self.noSuchFile(id) }
            return FileDeleted(id: id)
        }
    }

    package func createBatch(_ request: CreateBatchRequest) async throws -> Batch {
        return try await perform(.createBatch, request.inputFileID) { state in
            guard let input = state.files[request.inputFileID] else { throw Self.noSuchFile(request.inputFileID) }
            let number = state.take()
            state.now += 1
            let batch = Batch(
                id: "batch_mem\(number)", endpoint: request.endpoint, inputFileID: request.inputFileID,
                completionWindow: request.completionWindow, status: .validating, createdAt: state.now,
                expiresAt: state.now + 86_400, requestCounts: BatchRequestCounts(total: Self.requests(in: input.bytes).count),
                metadata: request.metadata
            )
            state.batches[batch.id] = StoredBatch(batch: batch, sequence: number, outcome: nil)
            return batch
        }
    }

    package func retrieveBatch(id: String) async throws -> Batch {
        return try await perform(.retrieveBatch, id) { state in
            guard let stored = state.batches[id] else { throw Self.noSuchBatch(id) }
            if case .onePerRetrieve(let end) = state.progression {
                switch stored.batch.status {
                case .validating: state.move(id, to: .inProgress)
                case .inProgress: state.move(id, to: .finalizing)
                case .finalizing: state.end(id, as: end, files: nil)
                case .cancelling: state.end(id, as: .cancelled, files: nil)
                default: break
                }
            }
            return state.batches[id]!.batch
        }
    }

    package func cancelBatch(id: String) async throws -> Batch {
        return try await perform(.cancelBatch, id) { state in
            guard let stored = state.batches[id] else { throw Self.noSuchBatch(id) }
            guard !stored.batch.status.isTerminal, stored.batch.status != .cancelling else {
                throw Self.apiError(409, "Cannot cancel a batch with status '\(stored.batch.status.rawValue)'.", code: "batch_not_cancellable")
            }
            state.move(id, to: .cancelling)
            return state.batches[id]!.batch
        }
    }

    package func listBatches(after: String?, limit: Int?) async throws -> ListPage<Batch> {
        return try await perform(.listBatches, [after.map { "after=\($0)" }, limit.map { "limit=\($0)" }].compactMap { $0 }.joined(separator: "&")) { state in
            let limit = limit ?? 20
            guard (1...100).contains(limit) else { throw Self.apiError(400, "limit must be between 1 and 100.") }
            var newestFirst = state.batches.values.sorted { $0.sequence > $1.sequence }.map(\.batch)
            if let after {
                guard let index = newestFirst.firstIndex(where: { $0.id == after }) else { throw Self.noSuchBatch(after) }
                newestFirst.removeFirst(index + 1)
            }
            let page = Array(newestFirst.prefix(limit))
            return ListPage(data: page, firstID: page.first?.id, lastID: page.last?.id, hasMore: newestFirst.count > limit)
        }
    }

    /// Records the call, waits out a hold, then throws the failure due for `operation`, or runs `body` (and, for
    /// an ambiguous failure, throws after it).
    func perform<T: Sendable>(_ operation: Operation, _ argument: String, _ body: (inout State) throws -> T) async throws -> T {
        state.withLock { $0.calls.append(Call(operation: operation, argument: argument)) }
        try await passHold(operation)
        let result = try state.withLock { state throws -> T in
            var failure: Failure?
            if var due = state.failures[operation], !due.isEmpty {
                failure = due.removeFirst()
                state.failures[operation] = due
            }
            if case .fail(let error) = failure { throw error }
            let result = try body(&state)
            if case .ambiguous(let error) = failure { throw error }
            return result
        }
        try await passAnswerHold(operation)
        return result
    }
}

extension InMemoryBackend.State {
    /// The next number for an id.
    mutating func take() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }
}
