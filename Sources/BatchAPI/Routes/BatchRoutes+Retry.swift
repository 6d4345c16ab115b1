import BatchService
import Foundation
import HTTPServer

// `POST /batches/{batch_id}/retry`: the failed and missing lines of a batch that ended, submitted again as a new
// batch whose results merge into the batch's documents (docs/ARCHITECTURE.md § Retrying a batch by hand).
extension BatchRoutes {
    static let retryExpected = "optional 'all' (true or false: retry the lines that failed for good too) and 'poll_interval' (seconds)"

    /// Waits for the retry's merge (as `run` waits for its run) or, with `Prefer: respond-async`, answers 202 once
    /// the retry's batch exists. Either way the retry is not tied to this request: a client that goes away does not
    /// stop it.
    func retry(_ request: Request) async throws -> Response {
        let id = try pathID(request).rawValue
        let fields = try await fields(request, expected: Self.retryExpected, emptyIsObject: true)
        try fields.rejectUnknown(["all", "poll_interval"], expected: Self.retryExpected)
        let all = try fields.bool("all") ?? false
        let pollInterval = try fields.number("poll_interval")
        let coordinator = coordinator
        if Preference.respondAsync(request.headers) {
            let started = try await coordinator.startBatchRetry(id: id, all: all, pollInterval: pollInterval)
            var response = try Response.json(started, status: .accepted)
            response.headers.add(name: "Location", value: "/batches/\(started.batch?.id ?? id)/status")
            response.headers.add(name: "Preference-Applied", value: "respond-async")
            return response
        }
        // An unstructured task: cancelling this handler (the client left) does not cancel the retry.
        let task = Task { () async throws -> BatchRetry in
            try await coordinator.retryBatch(id: id, all: all, pollInterval: pollInterval)
        }
        return try Response.json(try await task.value)
    }
}
