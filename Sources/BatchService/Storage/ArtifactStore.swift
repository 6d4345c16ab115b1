/// Where the files of each batch live: `input.jsonl`, `output.jsonl`, `errors.jsonl`, `docs/` and
/// `index.json` (docs/ARCHITECTURE.md § Storage layout). The state of a batch lives in a `BatchStateStore`.
///
/// The coordinator reaches artifacts only through this protocol; today's implementation is
/// `FileArtifactStore` (`outputs/<batch_id>/`). The operations are the ones an object store does well
/// (put, get and list by key `<batch_id>/<relative path>`). Nothing assumes an artifact *is* a local
/// file, except where the work truly needs one, and there the protocol says "materialise":
/// - an input is validated and uploaded upstream from a local file: `stageInput()` gives a local path to
///   write it to, published with the batch's state (`BatchStateStore.create`);
/// - results are streamed to local files by the HTTP client, and the parser reads them and writes
///   documents into a local folder: `materialise(_:)` gives that folder (the file store's is the batch
///   folder itself), and `persist(_:of:)` stores what was written there (a no-op for the file store; an
///   object store uploads the named artifacts);
/// - reading an artifact for `GET /batches/{id}/files/{path}` returns a local file to stream (an object
///   store would download it to a temporary file, or grow a streaming case).
public protocol ArtifactStore: Sendable {
    /// Where the batch's artifacts are, for people (an absolute folder; an object store's URL).
    func location(of id: BatchID) -> String

    /// A fresh local place to write a submission's input before its batch id is known.
    func stageInput() async throws(WorkspaceError) -> StagedInput

    /// Drops a staged input that will not be published.
    func discard(_ staged: StagedInput) async

    /// Materialises the batch's artifacts to a local folder that the caller may read and write (the
    /// file store's is the batch folder; it is created when missing).
    func materialise(_ id: BatchID) async throws(WorkspaceError) -> String

    /// Stores artifacts written into the materialised folder (by relative path).
    func persist(_ paths: [String], of id: BatchID) async throws(WorkspaceError)

    /// An artifact by relative path (`output.jsonl`, `docs/billing/final.md`): a file, a folder, or
    /// `notFound`. Paths that leave the batch (`..`, absolute, hidden segments) are refused.
    func read(_ relativePath: String, of id: BatchID) async throws(WorkspaceError) -> ArtifactContent

    /// Which of the reported artifacts exist, or nil when the store has nothing of this batch.
    func inventory(of id: BatchID) async -> LocalArtifacts?
}

/// A submission's input while its batch id is unknown.
public struct StagedInput: Sendable, Hashable {
    /// The local file to write the input to (validated there, uploaded from there).
    public let inputPath: String
    /// The store's handle of the staging place (the file store's: the staging folder).
    public let token: String

    /// Creates the handle.
    public init(inputPath: String, token: String) {
        self.inputPath = inputPath
        self.token = token
    }
}

/// What an artifact path names.
public enum ArtifactContent: Sendable, Equatable {
    /// A file, as a local path to stream.
    case file(String)
    /// A folder (of `docs/`), as a local path to list.
    case folder(String)
}
