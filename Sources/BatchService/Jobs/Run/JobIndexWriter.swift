import BatchCore
import JSON
import OutputParser
import SystemIO

/// Writes a job's `index.json`: every `custom_id` of the input with the batch and attempt that last ran it, its
/// status, and its document or error (docs/ARCHITECTURE.md § Jobs), then the totals. It streams: one part at a
/// time, the items of the part's first attempt read from that batch's `index.json` with the scanner, each replaced by the entry
/// of a later attempt that ran it again (those, smaller, are held by id), written out a megabyte at a time.
/// Memory stays at one batch's index whatever the job's size. Also concatenates the batches' data files
/// (`embeddings.jsonl`, `moderations.jsonl`) into the job's `docs/`, in part then attempt order.
/// Blocking (file I/O): call inside `BlockingThread`.
struct JobIndexWriter {
    /// The job.
    let run: JobRun
    /// The job's folder.
    let jobFolder: String
    /// The local folder of each batch the job merged, by batch id.
    let batchFolders: [String: String]

    /// What `index.json` counts.
    struct Totals: Sendable, Equatable {
        var requests = 0
        var succeeded = 0
        var failed = 0
        var missing = 0
    }

    /// Writes `index.json` (atomic, fsynced) and the data files; returns the totals.
    func write() throws(WorkspaceError) -> Totals {
        let jobDocs = jobFolder + "/" + BatchFolder.docsFolder
        var totals = Totals()
        do throws(SystemError) {
            let file = try DurableFile(path: jobFolder + "/" + BatchFolder.indexFile)
            var out = JSONWriter(capacity: 1 << 20, sortsKeys: false)
            out.append("{\"job_id\":")
            out.write(run.jobID)
            out.append(",\"docs_dir\":")
            out.write(jobDocs)
            out.append(",\"items\":[")
            var first = true
            for part in run.plan.parts {
                try writePart(part.index, into: &out, first: &first, totals: &totals, file: file)
            }
            out.append("],\"requests\":\(totals.requests),\"succeeded\":\(totals.succeeded),\"failed\":\(totals.failed),\"missing\":\(totals.missing)}")
            out.newline()
            try file.append(out.take())
            try file.commit(.synced)
        } catch {
            throw WorkspaceError(error)
        }
        try concatenateDataFiles(into: jobDocs)
        return totals
    }

    private func writePart(_ part: Int, into out: inout JSONWriter, first: inout Bool, totals: inout Totals, file: DurableFile) throws(SystemError) {
        let slots = run.batches.filter { $0.part == part }.sorted { $0.attempt < $1.attempt }
        let merged = slots.filter { $0.state == .merged && $0.batchID != nil }
        func emit(_ id: String?, _ slot: JobBatch?, _ status: String, file document: String?, error: ParseIndex.ItemError?, source: String? = nil) throws(SystemError) {
            if !first { out.append(",") }
            first = false
            out.append("\n{\"custom_id\":")
            if let id { out.write(id) } else { out.append("null") }
            out.append(",\"batch_id\":")
            if let batchID = slot?.batchID { out.write(batchID) } else { out.append("null") }
            out.append(",\"attempt\":")
            if let slot { out.write(slot.attempt) } else { out.append("null") }
            out.append(",\"status\":")
            out.write(status)
            out.append(",\"file\":")
            if let document { out.write(document) } else { out.append("null") }
            if let error {
                out.append(",\"error\":{\"code\":")
                out.write(error.code)
                out.append(",\"message\":")
                out.write(error.message)
                out.append("}")
            }
            if let source {
                out.append(",\"source\":")
                out.write(source)
            }
            out.append("}")
            totals.requests += 1
            switch status {
            case "error": totals.failed += 1
            case "missing": totals.missing += 1
            default: totals.succeeded += 1
            }
            if out.bytes.count >= 1 << 20 { try file.append(out.take()) }
        }
        guard let base = merged.first, let baseItems = try items(of: base) else {
            // Never ran to results: every line of the part, failed with its slot's reason or missing.
            let failed = slots.last { $0.state == .failed }
            let error = failed.map { ParseIndex.ItemError(code: "batch_failed", message: $0.failure ?? "the batch failed") }
            guard let partFile = run.plan.parts.first(where: { $0.index == part })?.file else { return }
            let reader = try LineReader(path: jobFolder + "/" + partFile)
            while let line = try reader.next() {
                guard let id = CustomIDReader.customID(in: line) else { continue }
                try emit(id, failed, error == nil ? "missing" : "error", file: nil, error: error)
            }
            return
        }
        // Later attempts ran some lines again: the last one to run a line has its say.
        var later: [String: (item: ParseIndex.Item, slot: JobBatch)] = [:]
        for slot in merged.dropFirst() {
            guard let slotItems = try items(of: slot) else { continue }
            for item in slotItems {
                guard let id = item.customID, item.status != .pending else { continue }
                later[id] = (item, slot)
            }
        }
        for item in baseItems {
            if let id = item.customID, let replaced = later[id] {
                try emit(id, replaced.slot, replaced.item.status.rawValue, file: replaced.item.file, error: replaced.item.error, source: replaced.item.source)
            } else {
                try emit(item.customID, base, item.status.rawValue, file: item.file, error: item.error, source: item.source)
            }
        }
    }

    /// A merged slot's items: its batch's index, or, for a batch that ended without any result file (never
    /// parsed), every line of the slot's file as missing.
    private func items(of slot: JobBatch) throws(SystemError) -> [ParseIndex.Item]? {
        guard let id = slot.batchID, let folder = batchFolders[id] else { return nil }
        var items: [ParseIndex.Item] = []
        if ParseIndex.forEachItem(inIndexAt: folder + "/" + BatchFolder.indexFile, { items.append($0) }) { return items }
        items.removeAll()
        let reader = try LineReader(path: jobFolder + "/" + slot.file)
        while let line = try reader.next() {
            guard let id = CustomIDReader.customID(in: line) else { continue }
            items.append(ParseIndex.Item(customID: id, file: nil, status: .missing))
        }
        return items
    }

    /// Each data file of the job's `docs/`: the batches' in part then attempt order.
    private func concatenateDataFiles(into jobDocs: String) throws(WorkspaceError) {
        let ordered = run.batches.filter { $0.state == .merged }.sorted { ($0.part, $0.attempt) < ($1.part, $1.attempt) }
        for name in JobMerge.dataFiles {
            let sources = ordered.compactMap { slot -> String? in
                guard let id = slot.batchID, let folder = batchFolders[id] else { return nil }
                let path = folder + "/" + BatchFolder.docsFolder + "/" + name
                return Workspace.isRegularFile(path) ? path : nil
            }
            guard !sources.isEmpty else { continue }
            try JobMerge.makeDirectory(jobDocs)
            let file: DurableFile
            do { file = try DurableFile(path: jobDocs + "/" + name) } catch { throw WorkspaceError(error) }
            for source in sources {
                try FileChunkReader(path: source).forEachChunk { chunk throws(WorkspaceError) in
                    do throws(SystemError) { try file.append(chunk) } catch { throw WorkspaceError(error) }
                    return true
                }
            }
            do { try file.commit(.deferred) } catch { throw WorkspaceError(error) }
        }
    }
}
