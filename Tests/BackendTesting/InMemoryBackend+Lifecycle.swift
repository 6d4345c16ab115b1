import Foundation
import OpenAIClient

// How a batch moves, by the test's hand or one step per retrieve, and the result files it ends with.
extension InMemoryBackend {
    /// Moves a batch to `status`, with its request counts when given. A terminal status ends it as `finish` does.
    package func setStatus(_ id: String, _ status: BatchStatus, completed: Int? = nil, failed: Int? = nil) {
        state.withLock { state in
            guard state.batches[id] != nil else { return }
            if status.isTerminal {
                state.end(id, as: status, files: nil)
            } else {
                state.move(id, to: status)
            }
            var counts = state.batches[id]!.batch.requestCounts ?? BatchRequestCounts()
            if let completed { counts.completed = completed }
            if let failed { counts.failed = failed }
            state.batches[id]!.batch.requestCounts = counts
        }
    }

    /// Ends a batch as `status` (completed, failed, expired or cancelled), its files answered from the input as
    /// `outcome` (or the backend's `outcome`) says.
    package func finish(_ id: String, as status: BatchStatus, outcome: Outcome? = nil) {
        state.withLock { state in
            if let outcome { state.batches[id]?.outcome = outcome }
            state.end(id, as: status, files: nil)
        }
    }

    /// Ends a batch as `status` with the result files the test supplies (nil: no such file; empty bytes: an
    /// empty file) and these counts.
    package func finish(_ id: String, as status: BatchStatus, output: [UInt8]?, errors: [UInt8]?, counts: BatchRequestCounts) {
        state.withLock { state in
            state.end(id, as: status, files: (output, errors))
            state.batches[id]?.batch.requestCounts = counts
        }
    }

    /// The `custom_id` and `body.model` of each request line of a JSONL file, in order.
    static func requests(in bytes: [UInt8]) -> [(customID: String, model: String)] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let customID = object["custom_id"] as? String else { return nil }
            let model = (object["body"] as? [String: Any])?["model"] as? String ?? "gpt-4o-mini"
            return (customID, model)
        }
    }

    /// The answer every request gets: a chat completion whose content names its custom_id.
    package static func answer(to customID: String) -> String {
        "Answer to \(customID)."
    }
}

extension InMemoryBackend.State {
    /// Sets a non-terminal status and its timestamp.
    mutating func move(_ id: String, to status: BatchStatus) {
        guard var batch = batches[id]?.batch else { return }
        now += 1
        batch.status = status
        switch status {
        case .inProgress: batch.inProgressAt = now
        case .finalizing: batch.finalizingAt = now
        case .cancelling: batch.cancellingAt = now
        default: break
        }
        batches[id]!.batch = batch
    }

    /// Ends a batch: its timestamp, counts and result files (given, or answered from its input).
    mutating func end(_ id: String, as status: BatchStatus, files: (output: [UInt8]?, errors: [UInt8]?)?) {
        guard var batch = batches[id]?.batch, !batch.status.isTerminal else { return }
        precondition(status.isTerminal, "\(status) does not end a batch")
        now += 1
        batch.status = status
        switch status {
        case .completed: batch.completedAt = now
        case .expired: batch.expiredAt = now
        case .cancelled: batch.cancelledAt = now
        default: batch.failedAt = now
        }
        if status == .failed {
            batch.errors = BatchErrors(data: [BatchError(code: "invalid_request", message: "The batch failed (in-memory backend).")])
            batches[id]!.batch = batch
            return
        }
        let produced: (output: [UInt8]?, errors: [UInt8]?, counts: BatchRequestCounts?)
        if let files {
            produced = (files.output, files.errors, nil)
        } else {
            let answered = answers(batch, outcome: batches[id]!.outcome ?? outcome)
            produced = (answered.output, answered.errors, answered.counts)
        }
        // Files the test supplies are stored even when empty (a backend may answer an empty error file).
        let keepsEmpty = files != nil
        if let output = produced.output, keepsEmpty || !output.isEmpty {
            let fileID = "file-mem\(take())"
            self.files[fileID] = (FileObject(id: fileID, bytes: output.count, createdAt: now, filename: "\(id)_output.jsonl", purpose: "batch_output"), output)
            batch.outputFileID = fileID
        }
        if let errors = produced.errors, keepsEmpty || !errors.isEmpty {
            let fileID = "file-mem\(take())"
            self.files[fileID] = (FileObject(id: fileID, bytes: errors.count, createdAt: now, filename: "\(id)_error.jsonl", purpose: "batch_output"), errors)
            batch.errorFileID = fileID
        }
        if let counts = produced.counts { batch.requestCounts = counts }
        batches[id]!.batch = batch
    }

    /// The output and error files of a batch ending now, answered from its input as `outcome` says.
    private mutating func answers(_ batch: Batch, outcome: InMemoryBackend.Outcome) -> (output: [UInt8]?, errors: [UInt8]?, counts: BatchRequestCounts) {
        let requests = InMemoryBackend.requests(in: self.files[batch.inputFileID]?.bytes ?? [])
        let ran = batch.status == .completed ? requests.count : (outcome.ran ?? batch.requestCounts?.completed ?? 0)
        var output: [String] = []
        var errors: [String] = []
        var counts = BatchRequestCounts(total: requests.count)
        for (index, request) in requests.enumerated() where !outcome.missing.contains(request.customID) {
            let lineID = "batch_req_mem\(take())"
            if index >= ran {
                let code = batch.status == .expired ? "batch_expired" : "batch_cancelled"
                errors.append(Self.line(["id": lineID, "custom_id": request.customID, "response": NSNull(),
                                         "error": ["code": code, "message": "This request was not executed before the batch ended."]]))
                counts.failed += 1
            } else if outcome.failing.contains(request.customID) {
                let body: [String: Any] = ["error": ["message": "Rejected by the in-memory backend.", "type": "invalid_request_error",
                                                     "param": NSNull(), "code": "rejected"]]
                errors.append(Self.line(["id": lineID, "custom_id": request.customID, "error": NSNull(),
                                         "response": ["status_code": 400, "request_id": "req_\(lineID)", "body": body]]))
                counts.failed += 1
            } else {
                let body: [String: Any] = [
                    "id": "chatcmpl-\(lineID)", "object": "chat.completion", "created": now, "model": request.model,
                    "choices": [["index": 0, "finish_reason": "stop",
                                 "message": ["role": "assistant", "content": InMemoryBackend.answer(to: request.customID)]]],
                    "usage": ["prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15],
                ]
                output.append(Self.line(["id": lineID, "custom_id": request.customID, "error": NSNull(),
                                         "response": ["status_code": 200, "request_id": "req_\(lineID)", "body": body]]))
                counts.completed += 1
            }
        }
        func file(_ lines: [String]) -> [UInt8]? { lines.isEmpty ? nil : Array((lines.joined(separator: "\n") + "\n").utf8) }
        return (file(output), file(errors), counts)
    }

    private static func line(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
