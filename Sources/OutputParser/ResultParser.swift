import BatchCore
import Foundation
import Logging
import SystemIO

/// Turns a batch's `output.jsonl` and `errors.jsonl` into documents under `docs/` and an
/// `index.json` (docs/ARCHITECTURE.md § custom_id and documents).
///
/// Files are streamed line by line, so memory is bounded by the longest line plus the index,
/// whatever the size of the result files. No network I/O; paths are explicit.
public struct ResultParser: Sendable {
    private let logger: Logger

    /// Creates a parser that logs through `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Parses the results in `batchDirectory` (which holds `output.jsonl` and/or `errors.jsonl`, and
    /// `input.jsonl` when the batch was made here) into `batchDirectory/docs/` and writes
    /// `batchDirectory/index.json`, which lists every request of the batch. Throws `unknownIDs`, before
    /// writing anything, when `options.only` names an id the batch does not have.
    @discardableResult
    public func parse(batchDirectory: String, batchID: String, options: ParseOptions = ParseOptions()) throws(ParseError) -> ParseIndex {
        let resultFiles = ["output.jsonl", "errors.jsonl"]
        // Checked before `docs/` is created, so a batch that was never downloaded stays untouched.
        guard resultFiles.contains(where: { access(batchDirectory + "/" + $0, F_OK) == 0 }) else {
            throw .noResults(batchDirectory: batchDirectory)
        }
        let input = try InputIDs(path: batchDirectory + "/input.jsonl", maxLineBytes: options.maxLineBytes)
        if let only = options.only {
            try Self.checkKnown(only, input: input, batchDirectory: batchDirectory, options: options)
        }
        // Without `only` every entry is rewritten, so the earlier index is not needed.
        let previous = options.only == nil ? PreviousEntries() : PreviousEntries(path: batchDirectory + "/index.json")
        var run = try ParseRun(batchDirectory: batchDirectory, batchID: batchID, options: options, input: input, previous: previous)
        do throws(ParseError) {
            for name in resultFiles {
                guard let reader = try Self.openLines(batchDirectory + "/" + name, name: name, options: options) else { continue }
                while let line = try Self.nextLine(reader, name: name) {
                    if line.isEmpty { continue }  // blank lines are counted, not parsed
                    try run.handle(line, source: name, line: reader.lineNumber)
                }
            }
        } catch {
            // Never leave the writer thread waiting.
            try? run.writer.finish()
            throw error
        }
        // Segments must be on disk before final.md reads them back.
        try run.writer.finish()
        try run.assembleFinals()
        try run.writeDataFiles()
        run.listMissing()
        try run.store.publish()
        let index = run.index
        try Self.writeIndex(index, to: batchDirectory + "/index.json")
        logger.info("parsed batch results", metadata: [
            "batch_id": "\(batchID)", "processed": "\(index.processed)", "skipped": "\(index.skipped)",
            "failed": "\(index.failed)", "missing": "\(index.missing)", "finals": "\(index.finals.count)",
        ])
        return index
    }

    /// Throws `unknownIDs` unless every id of `only` is the batch's: in its input, or (a batch without a
    /// local input, a stray result) in a result file. Checked before `docs/` is touched.
    private static func checkKnown(_ only: Set<String>, input: InputIDs, batchDirectory: String, options: ParseOptions) throws(ParseError) {
        var unknown = only.filter { !input.contains($0) }
        guard !unknown.isEmpty else { return }
        for name in ["output.jsonl", "errors.jsonl"] {
            guard let reader = try openLines(batchDirectory + "/" + name, name: name, options: options) else { continue }
            while !unknown.isEmpty, let line = try nextLine(reader, name: name) {
                if let id = CustomIDReader.customID(in: line) { unknown.remove(id) }
            }
        }
        guard unknown.isEmpty else { throw .unknownIDs(unknown.sorted()) }
    }

    /// A reader of `path`'s lines, or `nil` when the file does not exist.
    private static func openLines(_ path: String, name: String, options: ParseOptions) throws(ParseError) -> LineReader? {
        do {
            return try LineReader(path: path, maxLineBytes: options.maxLineBytes)
        } catch {
            if error.errno == ENOENT { return nil }
            throw ParseError(error, file: name)
        }
    }

    private static func nextLine(_ reader: LineReader, name: String) throws(ParseError) -> UnsafeRawBufferPointer? {
        do {
            return try reader.next()
        } catch {
            throw ParseError(error, file: name)
        }
    }

    /// `index.json` is a state file: written durably (fsync, rename, fsync of the folder).
    private static func writeIndex(_ index: ParseIndex, to path: String) throws(ParseError) {
        let file: DurableFile
        do { file = try DurableFile(path: path) } catch { throw ParseError(error, file: path) }
        do throws(ParseError) {
            try index.writeJSON { chunk throws(ParseError) in
                do throws(SystemError) { try file.append(chunk) } catch { throw ParseError(error, file: path) }
                chunk.removeAll(keepingCapacity: true)
            }
            do { try file.commit(.synced) } catch { throw ParseError(error, file: path) }
        } catch {
            file.abandon()
            throw error
        }
    }
}
