import Foundation
import HTTPServer
import TestSupport
import Logging

/// A server on 127.0.0.1:0 (or another loopback host) running in a task, for one test.
struct TestServer {
    let server: Server
    let task: Task<Void, any Error>
    let address: SocketAddress

    var port: UInt16 { address.port }

    static func start(
        host: String = "127.0.0.1",
        middleware: [any Middleware] = [],
        observer: (any RequestObserver)? = nil,
        logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
        configure: (inout Server.Configuration) -> Void = { _ in },
        routes: (inout Router) -> Void
    ) throws -> TestServer {
        var configuration = Server.Configuration(host: host, port: 0)
        configuration.shutdownGracePeriod = .seconds(5)
        configure(&configuration)
        var router = Router()
        routes(&router)
        let server = Server(configuration: configuration, router: router, middleware: middleware, observer: observer, logger: logger)
        try server.start()
        let task = Task { try await server.run() }
        return TestServer(server: server, task: task, address: server.localAddress!)
    }

    /// Stops the server and waits until `run()` returned.
    func stop() async throws {
        server.stop()
        try await task.value
    }

    /// A raw client connected to this server.
    func connect() async throws -> RawClient {
        try await RawClient.connect(to: address)
    }
}

/// Routes most tests share.
enum TestRoutes {
    static func standard(_ router: inout Router) {
        router.add(.get, "/hello") { _ in .text("hello") }
        router.add(.get, "/items/{id}") { request in
            .text("item=\(request.parameter("id") ?? "-") q=\(request.query("q") ?? "-")")
        }
        router.add(.get, "/files/{path...}") { request in
            .text("path=\(request.parameter("path") ?? "-")")
        }
        router.add(.post, "/echo", maxBodyBytes: 64 * 1024) { request in
            let body = try await request.body.collect(upTo: 64 * 1024)
            return Response.bytes(body, contentType: "application/octet-stream")
        }
        router.add(.post, "/count", maxBodyBytes: 512 << 20) { request in
            var count = 0
            for try await chunk in request.body { count += chunk.count }
            return .text("\(count)")
        }
        router.add(.post, "/ignore") { _ in .text("ignored") }
        router.add(.delete, "/hello") { _ in Response(status: .noContent) }
    }
}
