import BatchService

/// The answer of `POST /batches/{batch_id}/parse`, with the seed's fields: `docs_dir`, `processed`,
/// `skipped`, `index_file` (plus `failed`, `missing` and the `final.md` files written).
struct ParseResponse: Encodable, Sendable {
    let index: ParseIndex
    let indexFile: String

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", docsDir = "docs_dir", processed, skipped, failed, missing, finals, indexFile = "index_file"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index.batchID, forKey: .batchID)
        try c.encode(index.docsDirectory, forKey: .docsDir)
        try c.encode(index.processed, forKey: .processed)
        try c.encode(index.skipped, forKey: .skipped)
        try c.encode(index.failed, forKey: .failed)
        try c.encode(index.missing, forKey: .missing)
        try c.encode(index.finals, forKey: .finals)
        try c.encode(indexFile, forKey: .indexFile)
    }
}
