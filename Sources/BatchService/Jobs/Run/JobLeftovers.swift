import Foundation
import SystemIO

/// What a killed process leaves in a job's folders: the hidden temporary files of atomic writes it was in the
/// middle of (`DurableFile`: `.job.json.tmp-*`, `.index.json.tmp-*`, `.usage.json.tmp-*`, a process's
/// `.final.md.tmp-*`), which nothing else ever renames or removes. A job's batches that still run upstream are
/// tidied by their own resumed runs (`BatchFolder.removeTemporaryFiles`); a batch being merged has a finished
/// run, so only its job knows its folder is still written to (the merge's parse writes its `index.json`).
///
/// Call only from the job's driver before it starts (no other writer of this process is in its folders then);
/// blocking (file I/O).
enum JobLeftovers {
    /// Removes the temporary files from the job's folder, its `docs/` and each folder directly under `docs/`
    /// (where the processes' `final.md` are rebuilt), and from `batchFolders` (those of its batches in `merging`).
    /// Returns how many it removed.
    @discardableResult
    static func remove(jobFolder: String, batchFolders: [String]) -> Int {
        var removed = 0
        for folder in batchFolders + [jobFolder] {
            removed += BatchFolder(path: folder).removeTemporaryFiles()
        }
        let docs = jobFolder + "/" + BatchFolder.docsFolder
        removed += BatchFolder(path: docs).removeTemporaryFiles()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: docs)) ?? [] where !name.hasPrefix(".") {
            removed += BatchFolder(path: docs + "/" + name).removeTemporaryFiles()
        }
        return removed
    }
}
