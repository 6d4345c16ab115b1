/// The content of `index.json`: every request of the batch (each result line, and each input `custom_id`
/// that no result file lists) and what became of it. The counters say what the last run did; the items
/// describe the whole batch, so a run limited by `only` keeps the other entries as the earlier run left them.
public struct ParseIndex: Codable, Sendable, Hashable {
    /// What happened to one result line.
    public enum Status: String, Codable, Sendable, Hashable {
        /// The document was written in this run.
        case processed
        /// The document existed and `force` was off.
        case skipped
        /// The request failed (or its line was unreadable): no document.
        case error
        /// A data result (an embedding, a moderation) recorded in its data file (`embeddings.jsonl`,
        /// `moderations.jsonl` under `docs/`), not a document.
        case ok
        /// An input `custom_id` that neither `output.jsonl` nor `errors.jsonl` lists: the request never ran.
        case missing
        /// A result outside `only` that no run has written yet.
        case pending
    }

    /// A request's failure, as the result file told it.
    public struct ItemError: Codable, Sendable, Hashable {
        /// The API's code (`batch_expired`, `invalid_request_error`...) or ours (`invalid_line`).
        public var code: String
        /// The API's message.
        public var message: String

        /// Creates an error entry.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// One result line.
    public struct Item: Codable, Sendable, Hashable {
        /// The line's `custom_id`; `nil` only when the line could not be read.
        public var customID: String?
        /// The document's (or data file's) path relative to `docs/`; `nil` for failures and missing requests.
        public var file: String?
        /// What happened.
        public var status: Status
        /// Why it failed, for `error` items.
        public var error: ItemError?
        /// `output.jsonl:12`, for lines that could not be read at all.
        public var source: String?

        /// Creates an item.
        public init(customID: String?, file: String?, status: Status, error: ItemError? = nil, source: String? = nil) {
            self.customID = customID
            self.file = file
            self.status = status
            self.error = error
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case customID = "custom_id", file, status, error, source
        }

        /// Writes `custom_id` and `file` always (as `null` when absent), `error`/`source` only when set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(customID, forKey: .customID)
            try container.encode(file, forKey: .file)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(error, forKey: .error)
            try container.encodeIfPresent(source, forKey: .source)
        }
    }

    /// The batch.
    public var batchID: String
    /// The `docs/` directory the files are relative to.
    public var docsDirectory: String
    /// Documents written in this run.
    public var processed: Int
    /// Documents that existed and were left alone.
    public var skipped: Int
    /// Failed requests and unreadable lines.
    public var failed: Int
    /// Input `custom_id`s with no result line (items with status `missing`).
    public var missing: Int
    /// `final.md` files (relative to `docs/`) written in this run.
    public var finals: [String]
    /// Every result line, in file order (`output.jsonl`, then `errors.jsonl`), then the missing requests
    /// in input order.
    public var items: [Item]

    /// Creates an index.
    public init(batchID: String, docsDirectory: String, processed: Int = 0, skipped: Int = 0, failed: Int = 0,
                missing: Int = 0, finals: [String] = [], items: [Item] = []) {
        self.batchID = batchID
        self.docsDirectory = docsDirectory
        self.processed = processed
        self.skipped = skipped
        self.failed = failed
        self.missing = missing
        self.finals = finals
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", docsDirectory = "docs_dir", processed, skipped, failed, missing, finals, items
    }
}
