import BatchCore
import Foundation
import OpenAIClient
import SystemIO

extension BatchCoordinator {
    /// Validates the input (every bad line → `invalidInput` with line numbers), copies it to
    /// `outputs/<batch_id>/input.jsonl`, uploads it, creates the batch with `metadata` carrying `job_name`,
    /// `input_sha256` and the submission token, and writes `batch.json`. The same input and job name again
    /// returns the earlier batch (`reused`) unless `force`.
    ///
    /// The input is staged in a hidden folder of `outputs/` while the batch id is unknown; once the batch
    /// exists, `batch.json` and `submission.json` are written there and the folder is renamed to
    /// `outputs/<batch_id>`. Before the create call goes out, a `PendingSubmission` with its deterministic
    /// token (`SubmissionToken`) is recorded durably; a create whose answer was lost (a crash, a timeout, a
    /// dropped connection, a 5xx) is resolved by finding the batch that carries the token among the backend's
    /// recent batches and adopting it, now or at the next submission of the same input, never by creating a
    /// second one. A refused create deletes the uploaded file; an unanswered one keeps it (its batch may use
    /// it). An earlier batch that `failed` (no request ran) is not reused.
    public func submit(_ request: SubmitRequest) async throws(BatchServiceError) -> SubmitResult {
        try await submit(request, run: nil).result
    }

    /// Submits; with `run`, a new batch's folder is published with `run.json` already in it (a crash right
    /// after creation still resumes the run), and a reused one reports its earlier run.
    func submit(_ request: SubmitRequest, run: RunSettings?) async throws(BatchServiceError) -> Submission {
        try checkOptions(request)
        let staged = try await stored { () async throws(WorkspaceError) in try await artifactStore.stageInput() }
        let preparer = InputPreparer(workspace: workspace, limits: limits, expectedEndpoint: request.endpoint)
        let input = request.input
        let prepared: PreparedInput
        do {
            prepared = try await BlockingThread.run("validate") { () throws(BatchServiceError) in
                try preparer.prepare(input, to: staged.inputPath)
            }
        } catch {
            await artifactStore.discard(staged)
            logger.notice("submission refused", metadata: ["reason": "\(error.message)", "issues": "\(error.issueCount)"])
            throw error
        }
        let key = SubmissionKey(inputSHA256: prepared.sha256, jobName: request.jobName)
        let attempt = Attempt(request: request, prepared: prepared, staged: staged, run: run)
        do {
            return try await submissionGate.withKey(key) { () throws(BatchServiceError) in
                let earlier = await stateStore.submission(forKey: key)
                // An unanswered create of this key first, even under `force`: its caller never got that batch.
                let pending = await stateStore.pendingSubmission(forKey: key)
                if let pending, let adopted = try await adopt(pending, earlier: earlier, attempt) { return adopted }
                if !request.force, let earlier, let reused = try await reuse(earlier, prepared: prepared) {
                    await artifactStore.discard(staged)
                    return reused
                }
                let number = (earlier?.attempt ?? 0) + 1
                return try await create(attempt, number: number, replacing: earlier?.batchID, uploaded: pending?.inputFileID)
            }
        } catch {
            await artifactStore.discard(staged)
            throw error
        }
    }

    // MARK: - Steps

    private func checkOptions(_ request: SubmitRequest) throws(BatchServiceError) {
        guard request.completionWindow == "24h" else {
            throw BatchServiceError(.badRequest, "completion_window must be 24h, not '\(request.completionWindow)'.")
        }
        if let endpoint = request.endpoint, !limits.endpoints.contains(endpoint) {
            throw BatchServiceError(.badRequest, "endpoint '\(endpoint)' is not a Batch API endpoint; expected one of \(limits.endpoints.sorted().joined(separator: ", ")).")
        }
        if let jobName = request.jobName {
            guard !jobName.isEmpty, jobName.count <= 512 else {
                throw BatchServiceError(.badRequest, "job_name must have 1 to 512 characters.")
            }
        }
        let extra = request.metadata.filter { !Self.reservedMetadataKeys.contains($0.key) }
        guard extra.count <= 13 else {
            throw BatchServiceError(.badRequest, "metadata holds at most 13 pairs of yours (a batch keeps 16: job_name, input_sha256 and the client's submission key are the others).")
        }
        for (key, value) in extra where key.isEmpty || key.count > 64 || value.count > 512 {
            throw BatchServiceError(.badRequest, "metadata keys have 1 to 64 characters and values at most 512 ('\(key.prefix(64))').")
        }
    }

    static let reservedMetadataKeys: Set<String> = ["job_name", "input_sha256", OpenAI.submissionMetadataKey]

    /// The batch an earlier submission of the same input and job name made, when it can be reused: not
    /// when the backend no longer knows it or it `failed` (no request ran).
    private func reuse(_ earlier: SubmissionRecord, prepared: PreparedInput) async throws(BatchServiceError) -> Submission? {
        let id = earlier.batchID
        let batchID = try checkedID(id)
        let batch: Batch
        do {
            batch = try await backendCall("retrieve batch \(id)") { try await backend.retrieveBatch(id: id) }
        } catch where error.kind == .notFound {
            // The backend no longer knows it (another backend, a simulator restarted without state).
            logger.info("earlier batch of this input is unknown to the backend; submitting again", metadata: ["batch_id": "\(id)"])
            return nil
        }
        guard batch.status != .failed else {
            logger.info("earlier batch of this input failed; submitting again", metadata: ["batch_id": "\(id)"])
            return nil
        }
        try await stored { () async throws(WorkspaceError) in try await stateStore.putBatch(batch, for: batchID, creating: false) }
        let earlierRun = await stateStore.run(batchID)
        logger.info("reusing the batch of an identical submission", metadata: [
            "batch_id": "\(id)", "job_name": "\(earlier.jobName ?? "")", "input_sha256": "\(earlier.inputSHA256)",
        ])
        let result = SubmitResult(batch: batch, outputDirectory: artifactStore.location(of: batchID), requestCount: prepared.requestCount, reused: true)
        return Submission(result: result, run: earlierRun)
    }

    /// Uploads, records the pending create, creates the batch (or finds it, when the answer was lost) and
    /// publishes it. `number` is the attempt: one more than the batch this key recorded last. `uploaded` is
    /// the file an unanswered create of the same input uploaded: used again when the backend still has it.
    private func create(_ attempt: Attempt, number: Int, replacing: String?, uploaded: String?) async throws(BatchServiceError) -> Submission {
        let prepared = attempt.prepared
        let key = SubmissionKey(inputSHA256: prepared.sha256, jobName: attempt.request.jobName)
        let token = SubmissionToken.make(key: key, endpoint: prepared.endpoint, model: prepared.model, attempt: number)
        let file = try await upload(attempt, reusing: uploaded)
        let pending = PendingSubmission(
            key: key, attempt: number, token: token, inputFileID: file.id, endpoint: prepared.endpoint, startedAt: Int(Date().timeIntervalSince1970)
        )
        do {
            try await stateStore.putPendingSubmission(pending)
        } catch {
            // Without the record a crash during the create could make a second batch later: create nothing.
            _ = try? await backend.deleteFile(id: file.id)
            throw BatchServiceError(error)
        }
        let batch = try await createUpstream(attempt, pending)
        return try await publish(batch, pending: pending, attempt, replacing: replacing)
    }

    /// The input file on the backend: the one an unanswered create uploaded when it is still there, whole
    /// (same size, purpose `batch`), else a new upload of the staged input.
    private func upload(_ attempt: Attempt, reusing uploaded: String?) async throws(BatchServiceError) -> FileObject {
        if let uploaded, let file = try? await backend.retrieveFile(id: uploaded),
           Int64(file.bytes) == attempt.prepared.byteCount, file.purpose == "batch" {
            return file
        }
        let path = attempt.staged.inputPath, filename = attempt.prepared.filename
        return try await backendCall("upload the input file") {
            try await backend.uploadFile(path: path, filename: filename, purpose: "batch")
        }
    }

    /// Creates the batch. A refusal deletes the uploaded file and forgets the pending create; an answer that
    /// was lost (the batch may exist) is resolved by looking for the batch at once, and when it is not
    /// listed (yet), the error is thrown with the pending record and the upload kept for the next submission.
    private func createUpstream(_ attempt: Attempt, _ pending: PendingSubmission) async throws(BatchServiceError) -> Batch {
        let request = attempt.request
        // The reserved keys are the service's; a caller's values for them are dropped.
        var metadata = request.metadata.filter { !Self.reservedMetadataKeys.contains($0.key) }
        metadata["input_sha256"] = pending.inputSHA256
        if let jobName = request.jobName { metadata["job_name"] = jobName }
        metadata[OpenAI.submissionMetadataKey] = pending.token
        let createRequest = CreateBatchRequest(
            inputFileID: pending.inputFileID, endpoint: pending.endpoint, completionWindow: request.completionWindow, metadata: metadata
        )
        do {
            return try await backend.createBatch(createRequest)
        } catch {
            let failure = BatchServiceError.backend(error, "create the batch")
            guard Self.mayHaveCreated(error) else {
                _ = try? await backend.deleteFile(id: pending.inputFileID)
                await stateStore.removePendingSubmission(forKey: pending.key)
                throw failure
            }
            if let found = try? await findBatch(of: pending) {
                logger.notice("the create's answer was lost; adopting the batch it made", metadata: [
                    "batch_id": "\(found.id)", "submission_token": "\(pending.token)", "error": "\(failure.message)",
                ])
                return found
            }
            logger.warning("the create's answer was lost and its batch is not listed (yet); the next submission of this input looks again before creating", metadata: [
                "submission_token": "\(pending.token)", "input_file_id": "\(pending.inputFileID)", "error": "\(failure.message)",
            ])
            throw failure
        }
    }

    /// Records a batch that was created (or adopted) for `pending` and publishes its folder.
    func publish(_ batch: Batch, pending: PendingSubmission, _ attempt: Attempt, replacing: String?) async throws(BatchServiceError) -> Submission {
        let request = attempt.request, prepared = attempt.prepared
        let batchID: BatchID
        do {
            batchID = try BatchID(batch.id)
        } catch {
            throw BatchServiceError(.backendFailed, "The backend answered with a batch id that cannot name a folder: '\(batch.id.prefix(60))'.")
        }
        let record = SubmissionRecord(
            batchID: batch.id, jobName: request.jobName, inputSHA256: prepared.sha256, requestCount: prepared.requestCount,
            inputBytes: prepared.byteCount, inputFileID: batch.inputFileID, endpoint: prepared.endpoint,
            submittedAt: Int(Date().timeIntervalSince1970), attempt: pending.attempt, token: pending.token
        )
        let pipelineRun = attempt.run.map { PipelineRun(batchID: batch.id, jobName: request.jobName, doParse: $0.doParse, pollInterval: $0.pollInterval) }
        let outcome: CreateOutcome
        do {
            outcome = try await stored { () async throws(WorkspaceError) in
                try await stateStore.create(NewBatchState(batch: batch, record: record, run: pipelineRun), publishing: attempt.staged, replacing: replacing)
            }
        } catch {
            // The pending record stays: the next submission of this input finds the batch by its token.
            logger.error("batch created but its state could not be stored", metadata: ["batch_id": "\(batch.id)", "error": "\(error.message)"])
            throw error
        }
        await stateStore.removePendingSubmission(forKey: pending.key)
        if case .exists(let winner) = outcome {
            return try await giveWay(batch, to: winner, prepared: prepared, staged: attempt.staged)
        }
        logger.info("batch submitted", metadata: [
            "batch_id": "\(batch.id)", "requests": "\(prepared.requestCount)", "bytes": "\(prepared.byteCount)",
            "endpoint": "\(prepared.endpoint)", "job_name": "\(request.jobName ?? "")", "input_file_id": "\(batch.inputFileID)",
            "attempt": "\(pending.attempt)",
        ])
        let result = SubmitResult(batch: batch, outputDirectory: artifactStore.location(of: batchID), requestCount: prepared.requestCount, reused: false)
        return Submission(result: result, run: pipelineRun)
    }

    /// Another submission of the same input recorded its batch first (another instance on the same state
    /// store): ours is cancelled upstream and theirs is the answer.
    private func giveWay(_ ours: Batch, to winner: SubmissionRecord, prepared: PreparedInput, staged: StagedInput) async throws(BatchServiceError) -> Submission {
        // Never cancel what the record names: a backend that reuses ids would have given us the winner itself.
        if ours.id != winner.batchID {
            logger.notice("an identical submission was recorded first; cancelling ours", metadata: ["batch_id": "\(ours.id)", "kept": "\(winner.batchID)"])
            _ = try? await backend.cancelBatch(id: ours.id)
        }
        await artifactStore.discard(staged)
        guard let reused = try await reuse(winner, prepared: prepared) else {
            throw BatchServiceError(.conflict, "An identical submission is being recorded as batch \(winner.batchID); submit again.")
        }
        return reused
    }
}

/// What a submission made or found, with the run it carries.
struct Submission: Sendable {
    /// What the caller gets.
    var result: SubmitResult
    /// The run written with a new batch, or the earlier run of a reused one.
    var run: PipelineRun?
}

/// One submission on its way to a batch: what was asked, the input as staged, and the run to record with it.
struct Attempt: Sendable {
    var request: SubmitRequest
    var prepared: PreparedInput
    var staged: StagedInput
    var run: RunSettings?
}

/// How a run follows its batch, as asked.
struct RunSettings: Sendable {
    /// Parse after downloading.
    var doParse: Bool
    /// Seconds between polls.
    var pollInterval: Double
}
