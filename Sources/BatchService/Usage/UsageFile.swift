#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// `outputs/<batch_id>/usage.json`: the batch's `UsageReport` and the identity of the `output.jsonl` it was
/// tallied from (`tallied_from`), so the output is read again only when it changed (a new download renames
/// a new file into place) and every other look (a run's answer, a reused batch, the command line) reads
/// this small file. Written atomically and fsynced (`DurableFile`). Blocking.
enum UsageFile {
    /// The file's name in a batch folder.
    static let name = "usage.json"

    /// The identity of a result file: a file renamed into place has a new inode and time, so a download that
    /// rewrote the output is seen even when its size did not change.
    struct Stamp: Codable, Equatable {
        var bytes: Int64
        var inode: UInt64
        var modifiedNanoseconds: Int64

        enum CodingKeys: String, CodingKey {
            case bytes, inode, modifiedNanoseconds = "modified_ns"
        }

        /// The stamp of `path`; `nil` when there is no such file.
        static func of(_ path: String) -> Stamp? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return Stamp(
                bytes: Int64(info.st_size), inode: UInt64(info.st_ino),
                modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            )
        }
    }

    /// What the file holds: the report's members and `tallied_from`.
    struct Contents: Codable {
        var report: UsageReport
        var talliedFrom: Stamp?

        enum CodingKeys: String, CodingKey {
            case talliedFrom = "tallied_from"
        }

        init(report: UsageReport, talliedFrom: Stamp?) {
            self.report = report
            self.talliedFrom = talliedFrom
        }

        init(from decoder: any Decoder) throws {
            report = try UsageReport(from: decoder)
            talliedFrom = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Stamp.self, forKey: .talliedFrom)
        }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(talliedFrom, forKey: .talliedFrom)
        }
    }

    /// The usage of the batch in `folder`: the file's report when it was tallied from the output as it is now,
    /// or when the output is gone (priced again, and rewritten, when the price table changed since), else a
    /// new tally, written.
    /// `firstTally` is true when the folder had no `usage.json` before: the batch's tokens were never counted.
    static func refresh(_ folder: BatchFolder, batchID: String, prices: PriceTable) throws(WorkspaceError) -> (report: UsageReport, firstTally: Bool) {
        let path = folder.file(name)
        let output = folder.file(BatchFolder.outputFile)
        let stamp = Stamp.of(output)
        let existed = Workspace.isRegularFile(path)
        let existing = existed ? BatchFolder.readJSON(Contents.self, from: path) : nil
        // An output no longer here (moved away by a store) keeps the tokens tallied from it.
        if let existing, existing.talliedFrom == stamp || stamp == nil {
            let repriced = existing.report.repriced(with: prices)
            if repriced != existing.report { try BatchFolder.writeJSON(Contents(report: repriced, talliedFrom: existing.talliedFrom), to: path) }
            return (repriced, false)
        }
        var tally = UsageTally()
        if stamp != nil {
            do {
                tally = try UsageTally.tally(file: output)
            } catch {
                throw WorkspaceError(error)
            }
        }
        let report = UsageReport(batchIDs: [batchID], tally: tally, prices: prices)
        try BatchFolder.writeJSON(Contents(report: report, talliedFrom: stamp), to: path)
        return (report, !existed)
    }
}
