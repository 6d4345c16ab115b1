import BackendTesting
import BatchAPI
import BatchCore
import BatchService
import Foundation
import HTTPServer
import Logging
import Testing
import TestSupport

/// The REST service as `serve` wires it (routes, the JSON body limit as the server's default, the bearer token
/// middleware, metrics as the observer) over an `InMemoryBackend`, driven in process: no socket, no simulator.
struct RouteFixture {
    let backend: InMemoryBackend
    let directory: TemporaryDirectory
    let workspace: Workspace
    let coordinator: BatchCoordinator
    let metrics: MetricsRegistry
    let client: InProcessClient

    static let quiet = Logger(label: "routes") { _ in SwiftLogNoOpLogHandler() }

    static func make(
        progression: InMemoryBackend.Progression = .onePerRetrieve(),
        token: String? = nil,
        api: APIConfiguration = APIConfiguration(),
        inputs: [String: String] = [:],
        limits: BatchLimits = .openAI
    ) throws -> RouteFixture {
        let directory = try TemporaryDirectory(prefix: "batch-api-routes")
        let workspace = try Workspace(outputs: directory.path + "/outputs", inputs: directory.path + "/inputs")
        for (name, text) in inputs {
            try Data(text.utf8).write(to: URL(fileURLWithPath: workspace.inputsDirectory + "/" + name))
        }
        let backend = InMemoryBackend(progression: progression)
        let coordinator = BatchCoordinator(
            backend: backend, workspace: workspace, logger: quiet,
            policy: RunPolicy(maxTransientFailures: 3, initialBackoff: 0.001, maxBackoff: 0.005), limits: limits
        )
        // Wired as `serve` wires it.
        let application = try APIApplication(coordinator: coordinator, configuration: api, token: token)
        let client = InProcessClient(
            router: application.router, middleware: application.middleware,
            configuration: application.serverConfiguration(Server.Configuration()), observer: application.metrics, logger: quiet
        )
        return RouteFixture(
            backend: backend, directory: directory, workspace: workspace, coordinator: coordinator, metrics: application.metrics, client: client
        )
    }

    func remove() {
        directory.remove()
    }

    func get(_ target: String, headers: [(String, String)] = []) async throws -> InProcessResponse {
        try await client.execute(.get, target, headers: headers)
    }

    func post(_ target: String, json: String? = nil, headers: [(String, String)] = []) async throws -> InProcessResponse {
        guard let json else { return try await client.execute(.post, target, headers: headers) }
        return try await client.execute(.post, target, headers: [("Content-Type", "application/json")] + headers, body: .text(json))
    }

    /// Submits `inputs/<name>` and returns the batch id.
    func submit(_ name: String = "ok.jsonl", jobName: String? = nil) async throws -> String {
        let job = jobName.map { #","job_name":"\#($0)""# } ?? ""
        let response = try await post("/batches", json: #"{"input_path":"\#(name)"\#(job)}"#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.object()["batch_id"] as? String)
    }

    /// Request lines `request-1` … as JSONL.
    static func chatLines(_ count: Int) -> String {
        (1...count).map { index in
            #"{"custom_id":"request-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Topic \#(index)"}]}}"#
        }.joined(separator: "\n") + "\n"
    }

    /// A multipart/form-data body with fields and an optional file part.
    static func multipart(fields: [(String, String)], file: (filename: String, content: [UInt8])?) -> (contentType: String, body: [UInt8]) {
        let boundary = "----routes-boundary-4f1c"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.content + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// Checks a problem document (RFC 9457) with `status` and returns it.
    @discardableResult
    static func problem(_ response: InProcessResponse, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        let object = try response.object()
        #expect(object["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect(object["type"] is String && object["title"] is String && object["detail"] is String, sourceLocation: sourceLocation)
        return object
    }
}
