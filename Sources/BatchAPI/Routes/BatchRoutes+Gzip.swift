import BatchService
import Foundation

// `input_path` naming a `.jsonl.gz`: the coordinator takes plain JSONL only (BatchService does not
// import Gzip), so the file is inflated here, at the edge, as run-file does for an upload.
extension BatchRoutes {
    /// The submission with a `.jsonl.gz` `input_path` replaced by its inflated copy, a temporary file of
    /// the uploads folder handed over as an upload (the coordinator moves it into
    /// `outputs/<batch_id>/input.jsonl`); any other submission as it is. The file under inputs/ is only
    /// read, never removed. Returns the temporary file too, for the caller to remove once the coordinator
    /// is done (it is gone then when the coordinator took it). 413 past the Batch API's size, 400 for a
    /// broken gzip file, 404 for a missing one.
    func inflatingGzipInput(_ submission: SubmitRequest) async throws(BatchServiceError) -> (submission: SubmitRequest, temporary: String?) {
        guard case .path(let path) = submission.input, path.lowercased().hasSuffix(".jsonl.gz") else { return (submission, nil) }
        let source: String
        do {
            source = try coordinator.workspace.inputFile(path)
        } catch {
            throw BatchServiceError(error)
        }
        // In the outputs folder's file system, so the coordinator renames it rather than copies it.
        let temporary = uploadsDirectory + "/\(Self.inflatedPrefix)\(UUID().uuidString).jsonl"
        try await UploadInflater.inflate(source, to: temporary, maxBytes: Int(coordinator.limits.maxBytes), filename: path)
        let base = path.split(separator: "/").last.map(String.init) ?? "input.jsonl.gz"
        var inflated = submission
        inflated.input = .uploadedFile(path: temporary, filename: String(base.dropLast(".gz".count)))
        return (inflated, temporary)
    }

    /// The name prefix of an inflated `input_path` in the uploads folder (cleared at start like spooled uploads).
    static let inflatedPrefix = "inflate-"
}
