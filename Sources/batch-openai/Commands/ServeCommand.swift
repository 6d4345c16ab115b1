import Glibc
import ArgumentParser
import BatchAPI
import HTTPServer

/// `batch-openai serve`: the REST service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the REST service (for now /healthz and /metrics; the /batches routes arrive with the service).",
        discussion: """
        Binds to BATCH_OPENAI_HOST:BATCH_OPENAI_PORT (default 127.0.0.1:8000); --host and --port override them.
        With BATCH_OPENAI_TOKEN set, every route but /healthz needs "Authorization: Bearer <token>".
        SIGINT or SIGTERM stops it gracefully: no new connections, in-flight requests finish, exit code 0.

        Example:
          batch-openai serve --port 8000
          curl http://127.0.0.1:8000/healthz
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Address to bind (use 0.0.0.0 or :: to listen beyond this machine).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port: UInt16?

    func run() async throws {
        let settings = try common.settings()
        let logger = try common.logger(label: "batch-openai.serve")
        var configuration = Server.Configuration(host: host ?? settings.host, port: port ?? settings.port)
        configuration.maxBodyBytes = settings.maxJSONBytes
        let metrics = MetricsRegistry()
        var router = Router()
        ServiceRoutes.register(into: &router, metrics: metrics)
        var middleware: [any Middleware] = []
        if let token = settings.token {
            middleware.append(BearerTokenMiddleware(token: token, exemptPaths: ["/healthz"]))
        }
        let server = Server(configuration: configuration, router: router, middleware: middleware, observer: metrics, logger: logger)
        try server.start()
        if let address = server.localAddress {
            // One line on stdout that scripts wait for; the port is the real one even with --port 0.
            print("batch-openai serving on http://\(address)")
            fflush(nil)  // stdout is a pipe or file for scripts: do not let the line sit in a buffer
        }
        try await server.runUntilSignalled()
    }
}
