import BatchService
import Foundation
import HTTPServer
import Logging

/// The REST API of docs/ARCHITECTURE.md § The REST API over a `BatchCoordinator`: every `Endpoint` becomes a route, every error
/// leaves through `APIProblem`.
///
/// `APIApplication` wires them into a server the way `serve` runs it (token middleware, metrics observer, body limits).
public struct BatchRoutes: Sendable {
    /// The service behind the routes.
    public let coordinator: BatchCoordinator
    /// The body limits.
    public let configuration: APIConfiguration
    /// The metrics `GET /metrics` renders (also the server's request observer).
    public let metrics: MetricsRegistry

    /// Creates the routes; has the service prepare its upload spool (`outputs/.uploads`, cleared of what a
    /// crash left there).
    public init(coordinator: BatchCoordinator, configuration: APIConfiguration = APIConfiguration(), metrics: MetricsRegistry) throws {
        self.coordinator = coordinator
        self.configuration = configuration
        self.metrics = metrics
        try coordinator.uploads.prepareFolder()
    }

    /// Adds every route of `Endpoint` to the router, with its body limit.
    public func register(into router: inout Router) {
        for endpoint in Endpoint.allCases {
            let limit: Int? = switch endpoint.body {
            case .none: nil
            case .json: configuration.maxJSONBytes
            case .upload: configuration.maxUploadBytes + APIConfiguration.multipartOverhead
            }
            router.add(endpoint.method, endpoint.pattern, maxBodyBytes: limit) { [self] request in
                do {
                    return try await handle(endpoint, request)
                } catch {
                    throw APIProblem.from(error, logger: request.logger)
                }
            }
        }
    }

    /// Answers one endpoint.
    func handle(_ endpoint: Endpoint, _ request: Request) async throws -> Response {
        switch endpoint {
        case .submit: try await submit(request)
        case .list: try await list(request)
        case .batch: try await batch(request)
        case .status: try await status(request)
        case .wait: try await wait(request)
        case .cancel: try await cancel(request)
        case .download: try await download(request)
        case .parse: try await parse(request)
        case .retry: try await retry(request)
        case .run: try await run(request)
        case .runFile: try await runFile(request)
        case .file: try await file(request)
        case .jobs: try await jobs(request)
        case .job: try await job(request)
        case .jobCancel: try await jobCancel(request)
        case .jobRetry: try await jobRetry(request)
        case .jobFile: try await jobFile(request)
        case .openAPI: Response.bytes(OpenAPIDocument.bytes, contentType: "application/json")
        // The seed's service had Swagger UI on /docs and ReDoc on /redoc: both names lead to the one page.
        case .docs, .redoc: Response.bytes(DocsPage.bytes, contentType: "text/html; charset=utf-8")
        case .health: Response.bytes(ServiceRoutes.healthBody, contentType: "application/json")
        case .metrics: await metricsResponse()
        }
    }

    // MARK: - Shared pieces

    /// Checks a batch id's shape before it reaches the disk or the backend (400 otherwise).
    static func batchID(_ value: String?, param: String = "batch_id") throws(APIProblem) -> BatchID {
        do {
            return try BatchID(value ?? "")
        } catch {
            throw .badRequest(error.message, param: param)
        }
    }

    /// The batch id of the path.
    func pathID(_ request: Request) throws(APIProblem) -> BatchID {
        try Self.batchID(request.parameter("batch_id"))
    }

    /// Reads a JSON object body within the JSON limit (413 past it).
    func fields(_ request: Request, expected: String, emptyIsObject: Bool) async throws -> FieldReader {
        let bytes = try await request.body.collect(upTo: configuration.maxJSONBytes)
        return try FieldReader.decode(bytes, expected: expected, emptyIsObject: emptyIsObject)
    }

    /// For a route whose body has no members: nothing, or an empty object (`{}`, as `curl -d '{}'` sends);
    /// anything else is refused like an unknown member elsewhere.
    func noMembers(_ request: Request) async throws {
        let fields = try await fields(request, expected: "no members (leave the body out)", emptyIsObject: true)
        try fields.rejectUnknown([], expected: "no members (leave the body out)")
    }

    /// Size of a file, 0 when it cannot be read (for the transfer counters).
    static func fileSize(_ path: String?) -> UInt64 {
        guard let path, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else { return 0 }
        return size.uint64Value
    }

    private func metricsResponse() async -> Response {
        metrics.setBatches(byStatus: await coordinator.batchCountsByStatus())
        return Response.bytes(Array(metrics.render().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
