import Foundation
import HTTPServer

/// Every route of the REST API (docs/ARCHITECTURE.md § The REST API). The router is built from this table and the OpenAPI
/// document is checked against it, so the two cannot drift apart.
public enum Endpoint: String, CaseIterable, Sendable {
    case submit, list, batch, status, wait, cancel, download, parse, retry, run, runFile, file
    case jobs, job, jobCancel, jobRetry, jobFile
    case openAPI, docs, redoc, health, metrics

    /// The method.
    public var method: HTTPMethod {
        switch self {
        case .list, .batch, .status, .file, .openAPI, .docs, .redoc, .health, .metrics: .get
        case .submit, .wait, .cancel, .download, .parse, .retry, .run, .runFile: .post
        case .jobs, .job, .jobFile: .get
        case .jobCancel, .jobRetry: .post
        }
    }

    /// The path pattern as the router takes it (`{name...}` is the rest of the path).
    public var pattern: String {
        switch self {
        case .submit, .list: "/batches"
        case .batch: "/batches/{batch_id}"
        case .status: "/batches/{batch_id}/status"
        case .wait: "/batches/{batch_id}/wait"
        case .cancel: "/batches/{batch_id}/cancel"
        case .download: "/batches/{batch_id}/download"
        case .parse: "/batches/{batch_id}/parse"
        case .retry: "/batches/{batch_id}/retry"
        case .run: "/batches/run"
        case .runFile: "/batches/run-file"
        case .file: "/batches/{batch_id}/files/{path...}"
        case .jobs: "/jobs"
        case .job: "/jobs/{job_id}"
        case .jobCancel: "/jobs/{job_id}/cancel"
        case .jobRetry: "/jobs/{job_id}/retry"
        case .jobFile: "/jobs/{job_id}/files/{path...}"
        case .openAPI: "/openapi.json"
        case .docs: "/docs"
        case .redoc: "/redoc"
        case .health: "/healthz"
        case .metrics: "/metrics"
        }
    }

    /// The path as OpenAPI writes it (`{path}` for the rest of the path).
    public var openAPIPath: String {
        pattern.replacingOccurrences(of: "...}", with: "}")
    }

    /// What the request body is, which sets the route's size limit.
    enum Body {
        case none, json, upload
    }

    var body: Body {
        switch self {
        case .submit, .wait, .cancel, .download, .parse, .retry, .run: .json
        case .runFile: .upload
        case .list, .batch, .status, .file, .openAPI, .docs, .redoc, .health, .metrics: .none
        case .jobCancel, .jobRetry: .json
        case .jobs, .job, .jobFile: .none
        }
    }
}
