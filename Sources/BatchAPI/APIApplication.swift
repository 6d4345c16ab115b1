import BatchService
import HTTPServer
import Logging

/// The REST service wired the one way `serve` runs it: every route of `BatchRoutes`, the bearer-token
/// middleware when a token is set (every route but `/healthz`), the metrics as the request observer, and the
/// JSON body limit as the default of routes that set none.
///
/// `serve` makes its server from it, and the tests make theirs (in process or over a socket) from it too, so
/// they exercise the same wiring.
public struct APIApplication: Sendable {
    /// The routes and the service behind them.
    public let routes: BatchRoutes
    /// The router holding every route.
    public let router: Router
    /// The middleware, outermost first.
    public let middleware: [any Middleware]
    /// The routes served without the bearer token, by pattern: every spelling the router sends to them
    /// (`/healthz/`, `//healthz`) is open too.
    public static let publicRoutes: Set<String> = ["/healthz"]

    /// Wires the routes over `coordinator`; with `token`, every route but `publicRoutes` needs it.
    public init(coordinator: BatchCoordinator, configuration: APIConfiguration = APIConfiguration(), token: String? = nil) throws {
        routes = try BatchRoutes(coordinator: coordinator, configuration: configuration, metrics: MetricsRegistry())
        // Each batch's tokens and cost reach /metrics once, when its usage is first tallied (UsageObserver).
        coordinator.usageLedger.observe(routes.metrics)
        var router = Router()
        routes.register(into: &router)
        self.router = router
        middleware = token.map { [BearerTokenMiddleware(token: $0, exemptRoutes: Self.publicRoutes)] } ?? []
    }

    /// The metrics `/metrics` renders; also the server's request observer.
    public var metrics: MetricsRegistry { routes.metrics }

    /// `base` with the JSON body limit as the default of routes that set none.
    public func serverConfiguration(_ base: Server.Configuration) -> Server.Configuration {
        var configuration = base
        configuration.maxBodyBytes = routes.configuration.maxJSONBytes
        return configuration
    }

    /// A server for the API on `base`'s address, not yet started.
    public func makeServer(_ base: Server.Configuration, logger: Logger) -> Server {
        Server(configuration: serverConfiguration(base), router: router, middleware: middleware, observer: metrics, logger: logger)
    }
}
