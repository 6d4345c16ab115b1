import BatchService

/// The answer of `GET /batches`: a page of batches, each with what exists for it locally.
struct ListResponse: Encodable, Sendable {
    let listing: BatchListing

    enum CodingKeys: String, CodingKey {
        case object, data, hasMore = "has_more", firstID = "first_id", lastID = "last_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("list", forKey: .object)
        try c.encode(listing.batches.map(Entry.init), forKey: .data)
        try c.encode(listing.hasMore, forKey: .hasMore)
        try c.encode(listing.batches.first?.batch.id, forKey: .firstID)
        try c.encode(listing.lastID, forKey: .lastID)
    }

    /// One batch: the Batch object's members plus `local`.
    struct Entry: Encodable, Sendable {
        let entry: ListedBatch

        init(_ entry: ListedBatch) { self.entry = entry }

        enum CodingKeys: String, CodingKey { case local }

        func encode(to encoder: any Encoder) throws {
            try entry.batch.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(entry.local.map(Local.init), forKey: .local)
        }
    }

    /// The artifacts of `outputs/<batch_id>/`.
    struct Local: Encodable, Sendable {
        let outputDir: String
        let files: [String]
        let hasDocs: Bool

        init(_ local: LocalArtifacts) {
            outputDir = local.outputDirectory
            files = local.files
            hasDocs = local.hasDocs
        }

        enum CodingKeys: String, CodingKey { case outputDir = "output_dir", files, hasDocs = "has_docs" }
    }
}
