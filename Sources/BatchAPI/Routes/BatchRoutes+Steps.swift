import BatchService
import Foundation
import HTTPServer

// The step-by-step routes: submit, list, batch, status, wait, cancel, download, parse.
extension BatchRoutes {
    func submit(_ request: Request) async throws -> Response {
        let body = try SubmitBody(try await fields(request, expected: SubmitBody.expected, emptyIsObject: false), defaultModel: configuration.defaultModel)
        let result = try await coordinator.submit(body.request)
        if !result.reused {
            metrics.addTransfer(uploaded: Self.fileSize(result.outputDirectory + "/input.jsonl"))
        }
        var response = try Response.json(SubmitResponse(result: result, statusURL: nil), status: result.reused ? .ok : .created)
        response.headers.add(name: "Location", value: "/batches/\(result.batch.id)")
        return response
    }

    func list(_ request: Request) async throws -> Response {
        let query = try ListQuery(request)
        return try Response.json(ListResponse(listing: try await coordinator.list(after: query.after, limit: query.limit)))
    }

    func batch(_ request: Request) async throws -> Response {
        try Response.json(try await coordinator.batch(id: try pathID(request).rawValue))
    }

    func status(_ request: Request) async throws -> Response {
        let id = try pathID(request).rawValue
        let batch = try await coordinator.batch(id: id)
        return try Response.json(StatusResponse(batch: batch, run: await coordinator.runState(id: id)))
    }

    func wait(_ request: Request) async throws -> Response {
        let id = try pathID(request).rawValue
        let body = try WaitBody(try await fields(request, expected: WaitBody.expected, emptyIsObject: true))
        let batch = try await coordinator.wait(id: id, pollInterval: body.pollInterval, timeout: body.timeout)
        return try Response.json(StatusResponse(batch: batch, run: await coordinator.runState(id: id)))
    }

    func cancel(_ request: Request) async throws -> Response {
        let id = try pathID(request).rawValue
        try await noMembers(request)
        let batch = try await coordinator.cancel(id: id)
        return try Response.json(StatusResponse(batch: batch, run: await coordinator.runState(id: id)))
    }

    func download(_ request: Request) async throws -> Response {
        let id = try pathID(request).rawValue
        try await noMembers(request)
        let result = try await coordinator.download(id: id)
        metrics.addTransfer(downloaded: Self.fileSize(result.outputFile) + Self.fileSize(result.errorsFile))
        return try Response.json(DownloadResponse(result: result))
    }

    func parse(_ request: Request) async throws -> Response {
        let id = try pathID(request)
        let body = try ParseBody(try await fields(request, expected: ParseBody.expected, emptyIsObject: true))
        let index = try await coordinator.parse(id: id.rawValue, force: body.force, only: body.only)
        let indexFile = coordinator.artifactStore.location(of: id) + "/index.json"
        return try Response.json(ParseResponse(index: index, indexFile: indexFile))
    }
}
