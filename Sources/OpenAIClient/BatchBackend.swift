/// What the batch pipeline needs from an OpenAI-compatible server: the Files + Batches operations.
///
/// `OpenAI` (over libcurl) is the implementation; the service and the command line depend on this
/// protocol so that they name one seam, not a concrete transport. Every method throws `OpenAIError`.
public protocol BatchBackend: Sendable {
    /// `POST /files` with `purpose` (`batch` for batch input): the file streams from disk, never whole in memory.
    func uploadFile(path: String, filename: String, purpose: String) async throws -> FileObject
    /// `GET /files/{id}`.
    func retrieveFile(id: String) async throws -> FileObject
    /// `GET /files/{id}/content` streamed to `path` (a temporary name, length checked, then renamed);
    /// returns the number of bytes written. A transfer that breaks leaves no file at `path`.
    func downloadFileContent(id: String, to path: String) async throws -> Int64
    /// `DELETE /files/{id}`.
    func deleteFile(id: String) async throws -> FileDeleted
    /// `POST /batches`. Never makes a second billable batch on an ambiguous failure (see `OpenAI`).
    func createBatch(_ request: CreateBatchRequest) async throws -> Batch
    /// `GET /batches/{id}`.
    func retrieveBatch(id: String) async throws -> Batch
    /// `POST /batches/{id}/cancel`.
    func cancelBatch(id: String) async throws -> Batch
    /// `GET /batches?after=&limit=` (newest first; `limit` 1...100, default 20).
    func listBatches(after: String?, limit: Int?) async throws -> ListPage<Batch>
}
