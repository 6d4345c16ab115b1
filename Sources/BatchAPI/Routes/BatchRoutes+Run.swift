import BatchService
import Foundation
import HTTPServer

// The whole pipeline in one call: `run` (JSON, a file under inputs/) and `run-file` (multipart upload).
extension BatchRoutes {
    /// The seed's message for an upload that is not a request file.
    static let invalidFormatMessage = "Invalid file format for Batch API. Must be .jsonl"

    func run(_ request: Request) async throws -> Response {
        let body = try RunBody(try await fields(request, expected: RunBody.expected, emptyIsObject: false))
        var run = body.request
        let (submission, temporary) = try await inflatingGzipInput(run.submission)
        run.submission = submission
        return try await start(run, request, cleanup: temporary)
    }

    func runFile(_ request: Request) async throws -> Response {
        guard let boundary = MultipartBoundary.from(request.headers["Content-Type"]) else {
            throw APIProblem.badRequest("The request must be multipart/form-data with a 'file' part (.jsonl or .jsonl.gz) "
                + "and optional 'job_name', 'completion_window', 'poll_interval', 'do_parse' fields.")
        }
        let form = try await MultipartForm.read(from: request.body, boundary: boundary, temporaryDirectory: uploadsDirectory)
        var spooled: String?
        var handedOver = false
        defer {
            // The run removes its own file once it is done with it; whatever else was uploaded goes now.
            for file in form.files { unlink(file.path) }
            if let spooled, !handedOver { unlink(spooled) }
        }
        guard let file = form.file("file") else {
            throw APIProblem.badRequest("Missing the 'file' part: expected a .jsonl (or .jsonl.gz) file of requests.", param: "file")
        }
        let filename = file.filename ?? ""
        let lowered = filename.lowercased()
        let gzipped = lowered.hasSuffix(".jsonl.gz")
        guard lowered.hasSuffix(".jsonl") || gzipped else {
            throw APIProblem.badRequest(Self.invalidFormatMessage, param: "file")
        }
        guard file.byteCount <= Int64(configuration.maxUploadBytes) else {
            throw BatchServiceError(.tooLarge, "The uploaded file has \(file.byteCount) bytes; at most \(configuration.maxUploadBytes) are accepted.")
        }
        let named = file.path + ".jsonl"
        if gzipped {
            // The coordinator takes plain JSONL: undo the transport's compression, bounded by the Batch API's
            // size limit. The compressed upload goes with the other parts (the defer above).
            try await UploadInflater.inflate(file.path, to: named, maxBytes: Int(coordinator.limits.maxBytes), filename: filename)
        } else if rename(file.path, named) != 0 {
            throw BatchServiceError(.internalError, "rename \(file.path): errno \(errno)")
        }
        spooled = named
        let fields = FieldReader(form: form.fields)
        // The backend gets what it now is: JSONL, under the client's name without `.gz`.
        let uploadName = gzipped ? String(filename.dropLast(3)) : filename
        let body = try RunBody(.uploadedFile(path: named, filename: uploadName), fields)
        handedOver = true
        return try await start(body.request, request, cleanup: named)
    }

    /// Runs to the end (the default, as the seed does) or, with `Prefer: respond-async`, answers 202 once
    /// the batch exists. Either way the run itself is not tied to this request: a client that goes away
    /// does not stop it.
    private func start(_ run: RunRequest, _ request: Request, cleanup: String?) async throws -> Response {
        let coordinator = coordinator
        if Preference.respondAsync(request.headers) {
            let result: SubmitResult
            do {
                result = try await coordinator.startRun(run)
            } catch {
                if let cleanup { unlink(cleanup) }
                throw error
            }
            if let cleanup { unlink(cleanup) }
            if !result.reused { metrics.addTransfer(uploaded: Self.fileSize(result.outputDirectory + "/input.jsonl")) }
            let statusURL = "/batches/\(result.batch.id)/status"
            var response = try Response.json(SubmitResponse(result: result, statusURL: statusURL), status: .accepted)
            response.headers.add(name: "Location", value: statusURL)
            response.headers.add(name: "Preference-Applied", value: "respond-async")
            return response
        }
        let metrics = metrics
        // An unstructured task: cancelling this handler (the client left) does not cancel the run.
        let task = Task {
            defer { if let cleanup { unlink(cleanup) } }
            let result = try await coordinator.run(run)
            if !result.reused { metrics.addTransfer(uploaded: Self.fileSize(result.outputDirectory + "/input.jsonl")) }
            metrics.addTransfer(downloaded: Self.fileSize(result.download?.outputFile) + Self.fileSize(result.download?.errorsFile))
            return result
        }
        return try Response.json(RunResponse(result: try await task.value))
    }
}
