/// A request file a client uploaded, spooled (and inflated, when it came as `.jsonl.gz`) by the service's
/// `UploadSpool`: plain JSONL on the outputs folder's file system, not validated yet.
///
/// It is only a handle: the spool owns the file. A submission of `.upload(_:)` moves it into
/// `outputs/<batch_id>/input.jsonl`; whatever is left when `UploadSpool.withUpload` returns is removed.
public struct UploadedInput: Sendable, Hashable {
    /// The spooled file, absolute (inside `outputs/.uploads`).
    let path: String
    /// The client's name for the file, without `.gz`, reduced to a safe base name: it labels the upload upstream.
    public let filename: String
    /// Bytes the client sent (compressed, for a `.jsonl.gz`).
    public let receivedBytes: Int64
}
