import Foundation
import OpenAIClient

/// What `run` reads back from `outputs/<batch_id>/` while and after the coordinator works there. Every
/// file in it is written to a temporary name and renamed, so a read sees a whole file or the earlier one.
struct RunFolder {
    /// `outputs/<batch_id>`, absolute.
    let path: String

    /// The counts and places of `index.json`, without its items (which can be 50,000 long).
    struct IndexSummary: Decodable {
        var docsDirectory: String
        var processed: Int
        var skipped: Int
        var failed: Int
        var finals: [String]

        enum CodingKeys: String, CodingKey {
            case docsDirectory = "docs_dir", processed, skipped, failed, finals
        }
    }

    /// The batch as last fetched (`batch.json`), when it can be read.
    func batch() -> Batch? {
        guard let data = FileManager.default.contents(atPath: path + "/batch.json") else { return nil }
        return try? JSONDecoder().decode(Batch.self, from: data)
    }

    /// The parse's summary (`index.json`), when there is one.
    func index() -> IndexSummary? {
        guard let data = FileManager.default.contents(atPath: path + "/index.json") else { return nil }
        return try? JSONDecoder().decode(IndexSummary.self, from: data)
    }

    /// The path of `name` in the folder, when that file exists.
    func existing(_ name: String) -> String? {
        let file = path + "/" + name
        return FileManager.default.fileExists(atPath: file) ? file : nil
    }
}
