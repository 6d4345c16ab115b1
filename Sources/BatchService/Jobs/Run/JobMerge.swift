import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OutputParser
import SystemIO

/// Moves a parsed batch's documents into its job's `docs/` (a rename each, never a copy) and rebuilds the
/// `final.md` of every process the batch touched from all of that process's segments, whichever batch wrote
/// them. Data files (`embeddings.jsonl`, `moderations.jsonl`) stay in the batch's `docs/` until the job ends,
/// when `JobIndexWriter` concatenates them in part and attempt order. Merging again (after a crash half way)
/// moves what is left and rebuilds the same finals. Blocking (file I/O): call inside `BlockingThread`.
enum JobMerge {
    /// The data files a parse writes under `docs/`, one line per result.
    static let dataFiles = ["embeddings.jsonl", "moderations.jsonl"]

    /// Merges `index`'s documents from `batchDocs` into `jobDocs`; returns what the batch's results held.
    static func merge(_ index: ParseIndex, batchDocs: String, jobDocs: String, label: String) throws(WorkspaceError) -> JobBatch.Counts {
        try makeDirectory(jobDocs)
        var counts = JobBatch.Counts()
        var made: Set<String> = []
        let finals = Set(index.finals)
        for item in index.items {
            switch item.status {
            case .processed, .skipped, .ok: counts.succeeded += 1
            case .error: counts.failed += 1
            case .missing: counts.missing += 1
            case .pending: break
            }
            guard let file = item.file, !dataFiles.contains(file), !finals.contains(file) else { continue }
            let source = batchDocs + "/" + file, target = jobDocs + "/" + file
            if let slash = file.lastIndex(of: "/") {
                let folder = String(file[..<slash])
                if !made.contains(folder) {
                    try makeDirectory(jobDocs + "/" + folder, parents: true)
                    made.insert(folder)
                }
            }
            if rename(source, target) != 0 {
                let failure = errno
                // Moved before a crash: the target is there and the source is gone.
                if failure == ENOENT, access(target, F_OK) == 0 { continue }
                throw .system("rename", source, errno: failure)
            }
        }
        for final in index.finals.sorted() {
            guard final.hasSuffix("/final.md") else { continue }
            let process = String(final.dropLast("/final.md".count))
            do {
                try ProcessFinal.assemble(docsDirectory: jobDocs, processDirectory: process, label: label)
            } catch {
                throw WorkspaceError(kind: .system, message: "assembling \(jobDocs)/\(final): \(error)")
            }
        }
        return counts
    }

    static func makeDirectory(_ path: String, parents: Bool = false) throws(WorkspaceError) {
        if parents {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw WorkspaceError(kind: .system, message: "mkdir \(path): \(error.localizedDescription)")
            }
        } else if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw .system("mkdir", path, errno: errno)
        }
    }
}
