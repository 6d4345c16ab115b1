import BatchService
import Foundation
import HTTPServer

// `GET /batches/{batch_id}/files/{path...}`: an artifact of the batch's folder, or the listing of a folder in it.
extension BatchRoutes {
    func file(_ request: Request) async throws -> Response {
        let id = try pathID(request)
        let relative = request.parameter("path") ?? ""
        // The store refuses `..`, hidden and absolute segments and checks where symlinks land.
        let path: String
        switch try await coordinator.artifactStore.read(relative, of: id) {
        case .folder(let folder): return try Response.json(FolderListing(path: folder, relative: relative))
        case .file(let file): path = file
        }
        let body = try FileBody(path: path)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: Self.contentType(of: relative))
        return Response(status: .ok, headers: headers, body: .file(body))
    }

    static func contentType(of path: String) -> String {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".json") { return "application/json" }
        if lowered.hasSuffix(".jsonl") { return "application/x-ndjson" }
        if lowered.hasSuffix(".md") { return "text/markdown; charset=utf-8" }
        if lowered.hasSuffix(".puml") || lowered.hasSuffix(".txt") { return "text/plain; charset=utf-8" }
        if lowered.hasSuffix(".gz") { return "application/gzip" }
        return "application/octet-stream"
    }
}
