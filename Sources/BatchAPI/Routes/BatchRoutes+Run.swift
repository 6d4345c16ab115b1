import BatchService
import Foundation
import HTTPServer

// The whole pipeline in one call: `run` (JSON, a file under inputs/) and `run-file` (multipart upload).
extension BatchRoutes {
    /// The seed's message for an upload that is not a request file.
    static let invalidFormatMessage = "Invalid file format for Batch API. Must be .jsonl"

    func run(_ request: Request) async throws -> Response {
        let body = try RunBody(try await fields(request, expected: RunBody.expected, emptyIsObject: false), defaultModel: configuration.defaultModel)
        if body.dryRun { return try await plan(body.request) }
        return try await start(body.request, request)
    }

    /// The file part goes to the service's upload spool as it arrives (it spools, inflates a `.jsonl.gz`,
    /// validates and cleans up); this route only reads the form and answers.
    func runFile(_ request: Request) async throws -> Response {
        guard let boundary = MultipartBoundary.from(request.headers["Content-Type"]) else {
            throw APIProblem.badRequest("The request must be multipart/form-data with a 'file' part (.jsonl or .jsonl.gz) "
                + "and optional 'job_name', 'completion_window', 'poll_interval', 'do_parse' fields.")
        }
        let form = try MultipartStream(body: request.body, boundary: boundary)
        guard let file = try await form.nextFile(named: "file") else {
            throw APIProblem.badRequest("Missing the 'file' part: expected a .jsonl (or .jsonl.gz) file of requests.", param: "file")
        }
        let filename = file.filename ?? ""
        let lowered = filename.lowercased()
        guard lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".jsonl.gz") else {
            throw APIProblem.badRequest(Self.invalidFormatMessage, param: "file")
        }
        // A run's input may become a job of several batches, so a .jsonl.gz inflates up to the job limit, as
        // an `input_path` one does (not the 200 MB of one batch).
        let spool = coordinator.uploads.inflating(upToJobBytes: configuration.jobLimits.maxJobBytes)
        return try await spool.withUpload(form.fileChunks(), filename: filename, maxBytes: configuration.maxUploadBytes) { upload in
            // The fields may follow the file.
            try await form.readToEnd()
            let body = try RunBody(upload: .upload(upload), form: FieldReader(form: form.fields))
            if body.dryRun { return try await plan(body.request) }
            return try await start(body.request, request)
        }
    }

    /// `"dry_run": true`: the plan of the job (batches, tokens, totals per model) under the configured limits;
    /// nothing is written, uploaded or created, and the backend is not called.
    private func plan(_ run: RunRequest) async throws -> Response {
        let submission = run.submission
        let plan = try await coordinator.dryRunPlan(submission.input, jobName: submission.jobName, endpoint: submission.endpoint,
                                                    limits: configuration.jobLimits)
        let summary = PlanSummary(plan, prices: coordinator.prices)
        if let maxCost = run.maxCostUSD, let reason = summary.cost?.overBudget(maxCostUSD: maxCost) {
            throw APIProblem.badRequest(reason, param: "max_cost")
        }
        return try Response.json(summary)
    }

    /// Runs to the end (the default, as the seed does) or, with `Prefer: respond-async`, answers 202 once
    /// the batch (or the job, for an input of more than one batch) exists. Either way the run itself is not
    /// tied to this request: a client that goes away does not stop it.
    private func start(_ run: RunRequest, _ request: Request) async throws -> Response {
        let coordinator = coordinator, limits = configuration.jobLimits
        if Preference.respondAsync(request.headers) {
            let statusURL: String
            var response: Response
            switch try await coordinator.startRunOrJob(run, limits: limits) {
            case .batch(let result):
                if !result.reused { metrics.addTransfer(uploaded: Self.fileSize(result.outputDirectory + "/input.jsonl")) }
                statusURL = "/batches/\(result.batch.id)/status"
                response = try Response.json(SubmitResponse(result: result, statusURL: statusURL), status: .accepted)
            case .job(let progress):
                statusURL = "/jobs/\(progress.job.jobID)"
                response = try Response.json(progress, status: .accepted)
            }
            response.headers.add(name: "Location", value: statusURL)
            response.headers.add(name: "Preference-Applied", value: "respond-async")
            return response
        }
        let metrics = metrics
        // An unstructured task: cancelling this handler (the client left) does not cancel the run.
        let task = Task { () async throws -> FinishedRun in
            let finished = try await coordinator.runOrJob(run, limits: limits)
            if case .batch(let result) = finished {
                if !result.reused { metrics.addTransfer(uploaded: Self.fileSize(result.outputDirectory + "/input.jsonl")) }
                metrics.addTransfer(downloaded: Self.fileSize(result.download?.outputFile) + Self.fileSize(result.download?.errorsFile))
            }
            return finished
        }
        switch try await task.value {
        case .batch(let result): return try Response.json(RunResponse(result: result))
        case .job(let progress): return try Response.json(progress)
        }
    }
}
