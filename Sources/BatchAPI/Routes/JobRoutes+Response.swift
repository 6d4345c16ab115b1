import BatchService

/// `GET /jobs`: every job known here, newest first (each encoded as `JobProgress` is, the schema `Job`).
struct JobListResponse: Encodable, Sendable {
    let data: [JobProgress]
}
