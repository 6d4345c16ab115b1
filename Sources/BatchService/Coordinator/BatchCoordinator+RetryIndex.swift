import BatchCore
import Foundation
import JSON
import OutputParser
import SystemIO

/// The files of a retry by hand of one batch (docs/ARCHITECTURE.md § Retrying a batch by hand): which lines go
/// again, and the original's `index.json` rewritten with every retry merged in, each item naming the batch and
/// attempt that last ran it. Blocking (file I/O): call inside `BlockingThread`.
enum BatchRetryIndex {
    /// One retry merged (or being merged) into the original.
    struct MergedAttempt: Sendable {
        var attempt: Int
        var batchID: String
        /// The retry batch's local folder (its own `index.json` and `errors.jsonl`).
        var folder: String
    }

    /// What a retry would submit: `ids`; `failedForGood` lines failed with a non-retryable error and were left out.
    struct Selection: Sendable {
        var ids: Set<String>
        var failedForGood: Int
    }

    /// The lines to submit again, from the original's (merged) `index.json`: every `missing` one, and the failed
    /// ones that are retryable by the error of the batch that last ran them (`RetrySelection`), or all of them
    /// with `all`. `nil` when the original has no index.
    static func select(originalFolder: String, merged: [MergedAttempt], all: Bool) throws(WorkspaceError) -> Selection? {
        var missing: Set<String> = [], failed: Set<String> = []
        let indexed = ParseIndex.forEachItem(inIndexAt: originalFolder + "/" + BatchFolder.indexFile) { item in
            guard let id = item.customID else { return }
            if item.status == .missing { missing.insert(id) } else if item.status == .error { failed.insert(id) }
        }
        guard indexed else { return nil }
        guard !all else { return Selection(ids: missing.union(failed), failedForGood: 0) }
        // Each failed line is judged by the errors file of the batch that last ran it: the latest retry that lists
        // it as an error, else the original.
        var left = failed, retryable: Set<String> = []
        for attempt in merged.sorted(by: { $0.attempt > $1.attempt }) where !left.isEmpty {
            var ranHere: Set<String> = []
            ParseIndex.forEachItem(inIndexAt: attempt.folder + "/" + BatchFolder.indexFile) { item in
                if let id = item.customID, item.status == .error, left.contains(id) { ranHere.insert(id) }
            }
            guard !ranHere.isEmpty else { continue }
            let codes = try RetrySelection.ids(errorsFile: attempt.folder + "/" + BatchFolder.errorsFile, items: [], all: false)
            retryable.formUnion(ranHere.intersection(codes))
            left.subtract(ranHere)
        }
        if !left.isEmpty {
            let codes = try RetrySelection.ids(errorsFile: originalFolder + "/" + BatchFolder.errorsFile, items: [], all: false)
            retryable.formUnion(left.intersection(codes))
        }
        return Selection(ids: missing.union(retryable), failedForGood: failed.count - retryable.count)
    }

    /// Every `custom_id` of the original's `input.jsonl` (a batch that ended without any result: all its lines go again).
    static func inputIDs(originalFolder: String) throws(WorkspaceError) -> Set<String> {
        var ids: Set<String> = []
        do throws(SystemError) {
            let reader = try LineReader(path: originalFolder + "/" + BatchFolder.inputFile)
            while let line = try reader.next() {
                if let id = CustomIDReader.customID(in: line) { ids.insert(id) }
            }
        } catch {
            throw WorkspaceError(error)
        }
        return ids
    }

    /// Rewrites the original's `index.json` (atomic, fsynced): its items in their order, each replaced by the item of
    /// the latest of `merged` that ran it (the last one to run a line has its say), each naming its `batch_id` and
    /// `attempt` (1 for the original); `finals` adds the retries' rebuilt `final.md` files; the counters count the
    /// items. An original without an index (it ended without results) lists the retries' items only. Returns the totals.
    static func rewrite(originalID: String, originalFolder: String, merged: [MergedAttempt]) throws(WorkspaceError) -> BatchRetry.Totals {
        let indexPath = originalFolder + "/" + BatchFolder.indexFile
        var later: [String: (item: ParseIndex.Item, attempt: MergedAttempt)] = [:]
        var order: [String] = []
        var finals = Set(Self.finals(inIndexAt: indexPath))
        for attempt in merged.sorted(by: { $0.attempt < $1.attempt }) {
            ParseIndex.forEachItem(inIndexAt: attempt.folder + "/" + BatchFolder.indexFile) { item in
                guard let id = item.customID, item.status != .pending else { return }
                if later[id] == nil { order.append(id) }
                later[id] = (item, attempt)
            }
            finals.formUnion(Self.finals(inIndexAt: attempt.folder + "/" + BatchFolder.indexFile))
        }
        var items: [(item: ParseIndex.Item, batchID: String, attempt: Int)] = []
        var seen: Set<String> = []
        ParseIndex.forEachItem(inIndexAt: indexPath) { item in
            if let id = item.customID, let replaced = later[id] {
                seen.insert(id)
                items.append((replaced.item, replaced.attempt.batchID, replaced.attempt.attempt))
            } else {
                items.append((item, originalID, 1))
            }
        }
        // Lines the original's index did not list (it had none: the batch ended without results).
        for id in order where !seen.contains(id) {
            guard let replaced = later[id] else { continue }
            items.append((replaced.item, replaced.attempt.batchID, replaced.attempt.attempt))
        }
        var totals = BatchRetry.Totals()
        var processed = 0, skipped = 0
        for entry in items {
            totals.requests += 1
            switch entry.item.status {
            case .error: totals.failed += 1
            case .missing: totals.missing += 1
            case .processed, .ok: totals.succeeded += 1; processed += 1
            case .skipped: totals.succeeded += 1; skipped += 1
            case .pending: break
            }
        }
        var out = JSONWriter(capacity: 1 << 16, sortsKeys: false)
        out.append("{\n  \"batch_id\" : ")
        out.write(originalID)
        out.append(",\n  \"docs_dir\" : ")
        out.write(originalFolder + "/" + BatchFolder.docsFolder)
        out.append(",\n  \"failed\" : \(totals.failed),\n  \"finals\" : [")
        for (offset, final) in finals.sorted().enumerated() {
            out.append(offset == 0 ? "\n    " : ",\n    ")
            out.write(final)
        }
        out.append(finals.isEmpty ? "],\n  \"items\" : [" : "\n  ],\n  \"items\" : [")
        do throws(SystemError) {
            let file = try DurableFile(path: indexPath)
            for (offset, entry) in items.enumerated() {
                out.append(offset == 0 ? "\n    {\"custom_id\" : " : ",\n    {\"custom_id\" : ")
                if let id = entry.item.customID { out.write(id) } else { out.append("null") }
                out.append(", \"batch_id\" : ")
                out.write(entry.batchID)
                out.append(", \"attempt\" : \(entry.attempt), \"status\" : ")
                out.write(entry.item.status.rawValue)
                out.append(", \"file\" : ")
                if let document = entry.item.file { out.write(document) } else { out.append("null") }
                if let error = entry.item.error {
                    out.append(", \"error\" : {\"code\" : ")
                    out.write(error.code)
                    out.append(", \"message\" : ")
                    out.write(error.message)
                    out.append("}")
                }
                if let source = entry.item.source {
                    out.append(", \"source\" : ")
                    out.write(source)
                }
                out.append("}")
                if out.bytes.count >= 1 << 20 { try file.append(out.take()) }
            }
            out.append(items.isEmpty ? "],\n" : "\n  ],\n")
            out.append("  \"missing\" : \(totals.missing),\n  \"processed\" : \(processed),\n  \"skipped\" : \(skipped)\n}")
            out.newline()
            try file.append(out.take())
            try file.commit(.synced)
        } catch {
            throw WorkspaceError(error)
        }
        return totals
    }

    /// What the original's `index.json` counts now, with the items' statuses.
    static func totals(originalFolder: String) -> BatchRetry.Totals? {
        var totals = BatchRetry.Totals()
        let indexed = ParseIndex.forEachItem(inIndexAt: originalFolder + "/" + BatchFolder.indexFile) { item in
            totals.requests += 1
            switch item.status {
            case .error: totals.failed += 1
            case .missing: totals.missing += 1
            case .processed, .ok, .skipped: totals.succeeded += 1
            case .pending: break
            }
        }
        return indexed ? totals : nil
    }

    /// The `finals` of an index (empty when it has none or cannot be read).
    private static func finals(inIndexAt path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
              let value = try? JSONValue(parsing: Array(data), keeping: ["finals"]) else { return [] }
        return value["finals"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
