import BatchService
import Foundation
import HTTPServer

// The routes of jobs (docs/ARCHITECTURE.md § Jobs): list, get, cancel, retry, and a job's files.
extension BatchRoutes {
    func jobs(_ request: Request) async throws -> Response {
        let jobs = await coordinator.listJobs()
        return try Response.json(JobListResponse(data: jobs))
    }

    func job(_ request: Request) async throws -> Response {
        try Response.json(try await coordinator.job(id: try jobID(request).rawValue))
    }

    func jobCancel(_ request: Request) async throws -> Response {
        let id = try jobID(request).rawValue
        try await noMembers(request)
        return try Response.json(try await coordinator.cancelJob(id: id))
    }

    func jobRetry(_ request: Request) async throws -> Response {
        let id = try jobID(request).rawValue
        let expected = "optional 'all' (true or false: retry the lines that failed for good too)"
        let fields = try await fields(request, expected: expected, emptyIsObject: true)
        try fields.rejectUnknown(["all"], expected: expected)
        let all = try fields.bool("all") ?? false
        return try Response.json(try await coordinator.retryJob(id: id, all: all), status: .accepted)
    }

    func jobFile(_ request: Request) async throws -> Response {
        let id = try jobID(request).rawValue
        let relative = request.parameter("path") ?? ""
        let path: String
        switch try await coordinator.jobFile(id: id, path: relative) {
        case .folder(let folder): return try Response.json(FolderListing(path: folder, relative: relative))
        case .file(let file): path = file
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: Self.contentType(of: relative))
        return Response(status: .ok, headers: headers, body: .file(try FileBody(path: path)))
    }

    /// The job id of the path, checked like a batch id (400 otherwise).
    func jobID(_ request: Request) throws(APIProblem) -> BatchID {
        try Self.batchID(request.parameter("job_id"), param: "job_id")
    }
}
