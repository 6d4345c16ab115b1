import Foundation
import HTTPServer
import Logging
import TestSupport

/// A small `HTTPServer` on 127.0.0.1:0 with the routes the transport tests need.
struct TestServer {
    let server: Server
    let task: Task<Void, any Error>
    let base: String
    let uploads: TemporaryDirectory
    /// Bytes `/slow` has written so far: tests wait for a transfer to be under way before they cancel it.
    let slowBytesSent: Counter

    static func start() throws -> TestServer {
        let uploads = try TemporaryDirectory(prefix: "http-client-uploads")
        let slowBytesSent = Counter()
        var router = Router()
        router.add(.get, "/hello") { _ in
            var response = Response.text("hello")
            response.headers.add(name: "X-Custom", value: "one two")
            return response
        }
        for method in [HTTPMethod.post, .put, .patch, .delete] {
            // Echoes the body with the method and content type in headers.
            router.add(method, "/echo", maxBodyBytes: 64 << 20) { request in
                let body = try await request.body.collect(upTo: 64 << 20)
                var response = Response.bytes(body, contentType: "application/octet-stream")
                response.headers.add(name: "X-Method", value: request.method.rawValue)
                response.headers.add(name: "X-Content-Type", value: request.headers["Content-Type"] ?? "")
                response.headers.add(name: "X-Header", value: request.headers["X-Test"] ?? "")
                return response
            }
        }
        router.add(.delete, "/thing") { request in
            Response.text(request.method.rawValue)
        }
        // Reads a multipart form and describes it.
        router.add(.post, "/form", maxBodyBytes: 64 << 20) { request in
            let boundary = MultipartParser.boundary(fromContentType: request.headers["Content-Type"] ?? "") ?? ""
            let form = try await MultipartForm.read(from: request.body, boundary: boundary, temporaryDirectory: uploads.path)
            defer { form.removeFiles() }
            var lines = form.fields.map { "field \($0.name)=\($0.value)" }
            for file in form.files {
                let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
                lines.append("file \(file.fieldName) \(file.filename ?? "-") \(file.contentType ?? "-") \(file.byteCount) \(Self.checksum(Array(data)))")
            }
            return Response.text(lines.joined(separator: "\n"))
        }
        // `size` bytes of a known pattern, streamed with a Content-Length.
        router.add(.get, "/bytes/{size}") { request in
            let size = Int(request.parameter("size") ?? "") ?? 0
            return Response(body: .stream(contentLength: Int64(size)) { writer in
                var sent = 0
                while sent < size {
                    let n = min(64 * 1024, size - sent)
                    try await writer.write(Self.pattern(offset: sent, count: n))
                    sent += n
                }
            })
        }
        // Announces 100,000 bytes, sends half, then drops the connection.
        router.add(.get, "/truncated") { _ in
            Response(body: .stream(contentLength: 100_000) { writer in
                try await writer.write(Self.pattern(offset: 0, count: 50_000))
                throw CancellationError()
            })
        }
        // One byte every 100 ms for a minute.
        router.add(.get, "/slow") { _ in
            Response(body: .stream(contentLength: 600) { writer in
                for _ in 0..<600 {
                    try await writer.write([0x61])
                    slowBytesSent.increment()
                    // Slow on purpose: the transfer must outlast the client's cancel.
                    try await Task.sleep(for: .milliseconds(100))
                }
            })
        }
        // Answers after three seconds.
        router.add(.get, "/sleep") { _ in
            // Late on purpose: the client's timeouts are what is under test.
            try await Task.sleep(for: .seconds(3))
            return Response.text("late")
        }
        router.add(.get, "/status/{code}") { request in
            let code = Int(request.parameter("code") ?? "") ?? 500
            return Response.bytes(Array("{\"error\":\"status \(code)\"}".utf8), contentType: "application/json", status: HTTPStatus(code: code))
        }
        // The client's port: the same port on two requests means one reused connection.
        router.add(.get, "/peer") { request in
            Response.text(String(request.remoteAddress?.port ?? 0))
        }
        var configuration = Server.Configuration(host: "127.0.0.1", port: 0)
        configuration.accessLog = false
        configuration.maxBodyBytes = 64 << 20
        configuration.shutdownGracePeriod = .milliseconds(200)
        let server = Server(configuration: configuration, router: router, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try server.start()
        let task = Task { try await server.run() }
        return TestServer(server: server, task: task, base: "http://127.0.0.1:\(server.localAddress!.port)", uploads: uploads, slowBytesSent: slowBytesSent)
    }

    func stop() async {
        server.stop()
        _ = try? await task.value
        uploads.remove()
    }

    static func pattern(offset: Int, count: Int) -> [UInt8] {
        (offset..<offset + count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
    }
}
