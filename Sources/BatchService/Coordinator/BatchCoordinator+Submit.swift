import BatchCore
import Foundation
import OpenAIClient
import SystemIO

extension BatchCoordinator {
    /// Validates the input (every bad line → `invalidInput` with line numbers), copies it to
    /// `outputs/<batch_id>/input.jsonl`, uploads it, creates the batch with `metadata` carrying `job_name`
    /// and `input_sha256`, and writes `batch.json`. The same input and job name again returns the earlier
    /// batch (`reused`) unless `force`.
    ///
    /// The input is staged in a hidden folder of `outputs/` while the batch id is unknown; once the batch
    /// exists, `batch.json` and `submission.json` are written there and the folder is renamed to
    /// `outputs/<batch_id>`. A failure at any step leaves nothing behind (the uploaded file is deleted
    /// when the batch could not be created). An earlier batch that `failed` (no request ran) is not reused.
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
        do {
            return try await submissionGate.withKey(key) { () throws(BatchServiceError) in
                let earlier = await stateStore.submission(forKey: key)
                if !request.force, let earlier, let reused = try await reuse(earlier, prepared: prepared) {
                    await artifactStore.discard(staged)
                    return reused
                }
                return try await create(request, prepared, staged: staged, run: run, replacing: earlier?.batchID)
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

    /// Uploads, creates the batch, writes its state files in the staging folder and publishes it.
    private func create(_ request: SubmitRequest, _ prepared: PreparedInput, staged: StagedInput, run: RunSettings?,
                        replacing: String?) async throws(BatchServiceError) -> Submission {
        let (file, batch, batchID) = try await createUpstream(request, prepared, from: staged.inputPath)
        let record = SubmissionRecord(
            batchID: batch.id, jobName: request.jobName, inputSHA256: prepared.sha256, requestCount: prepared.requestCount,
            inputBytes: prepared.byteCount, inputFileID: file.id, endpoint: prepared.endpoint, submittedAt: Int(Date().timeIntervalSince1970)
        )
        let pipelineRun = run.map { PipelineRun(batchID: batch.id, jobName: request.jobName, doParse: $0.doParse, pollInterval: $0.pollInterval) }
        let outcome: CreateOutcome
        do {
            outcome = try await stored { () async throws(WorkspaceError) in
                try await stateStore.create(NewBatchState(batch: batch, record: record, run: pipelineRun), publishing: staged, replacing: replacing)
            }
        } catch {
            logger.error("batch created but its state could not be stored", metadata: ["batch_id": "\(batch.id)", "error": "\(error.message)"])
            throw error
        }
        if case .exists(let winner) = outcome {
            return try await giveWay(batch, to: winner, prepared: prepared, staged: staged)
        }
        logger.info("batch submitted", metadata: [
            "batch_id": "\(batch.id)", "requests": "\(prepared.requestCount)", "bytes": "\(prepared.byteCount)",
            "endpoint": "\(prepared.endpoint)", "job_name": "\(request.jobName ?? "")", "input_file_id": "\(file.id)",
        ])
        let result = SubmitResult(batch: batch, outputDirectory: artifactStore.location(of: batchID), requestCount: prepared.requestCount, reused: false)
        return Submission(result: result, run: pipelineRun)
    }

    /// Uploads the staged input and creates the batch; the uploaded file is deleted when the batch could not be made.
    private func createUpstream(_ request: SubmitRequest, _ prepared: PreparedInput, from stagedInput: String)
        async throws(BatchServiceError) -> (file: FileObject, batch: Batch, batchID: BatchID) {
        let file = try await backendCall("upload the input file") {
            try await backend.uploadFile(path: stagedInput, filename: prepared.filename, purpose: "batch")
        }
        // The reserved keys are the service's and the client's; a caller's values for them are dropped.
        var metadata = request.metadata.filter { !Self.reservedMetadataKeys.contains($0.key) }
        metadata["input_sha256"] = prepared.sha256
        if let jobName = request.jobName { metadata["job_name"] = jobName }
        let createRequest = CreateBatchRequest(
            inputFileID: file.id, endpoint: prepared.endpoint, completionWindow: request.completionWindow, metadata: metadata
        )
        let batch: Batch
        do {
            batch = try await backendCall("create the batch") { try await backend.createBatch(createRequest) }
        } catch {
            // Nothing will use the uploaded file; leave no orphan upstream.
            _ = try? await backend.deleteFile(id: file.id)
            throw error
        }
        let batchID: BatchID
        do {
            batchID = try BatchID(batch.id)
        } catch {
            throw BatchServiceError(.backendFailed, "The backend answered with a batch id that cannot name a folder: '\(batch.id.prefix(60))'.")
        }
        return (file, batch, batchID)
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

/// How a run follows its batch, as asked.
struct RunSettings: Sendable {
    /// Parse after downloading.
    var doParse: Bool
    /// Seconds between polls.
    var pollInterval: Double
}
