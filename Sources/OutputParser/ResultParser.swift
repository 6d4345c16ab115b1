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

    /// Parses the results in `batchDirectory` (which holds `output.jsonl` and/or `errors.jsonl`)
    /// into `batchDirectory/docs/` and writes `batchDirectory/index.json`.
    @discardableResult
    public func parse(batchDirectory: String, batchID: String, options: ParseOptions = ParseOptions()) throws(ParseError) -> ParseIndex {
        let resultFiles = ["output.jsonl", "errors.jsonl"]
        // Checked before `docs/` is created, so a batch that was never downloaded stays untouched.
        guard resultFiles.contains(where: { access(batchDirectory + "/" + $0, F_OK) == 0 }) else {
            throw .noResults(batchDirectory: batchDirectory)
        }
        var run = try Run(batchDirectory: batchDirectory, batchID: batchID, options: options)
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
        try run.store.publish()
        let index = run.index
        try Self.writeIndex(index, to: batchDirectory + "/index.json")
        logger.info("parsed batch results", metadata: [
            "batch_id": "\(batchID)", "processed": "\(index.processed)", "skipped": "\(index.skipped)",
            "failed": "\(index.failed)", "finals": "\(index.finals.count)",
        ])
        return index
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

/// The state of one parse run.
private struct Run {
    /// A segment document, remembered to assemble its process's `final.md`.
    struct Segment {
        var process: String
        var topic: String
        var index: Int
        var file: String
        var format: DocumentFormat
    }

    let batchID: String
    let options: ParseOptions
    let store: DocumentStore
    let writer: DocumentWriterThread
    var namer = DocumentNamer()
    var index: ParseIndex
    /// Segments per process directory (relative to `docs/`).
    var segments: [String: [Segment]] = [:]
    /// Process directories with a segment selected in this run, and whether one was written.
    var selectedProcesses: [String: Bool] = [:]

    init(batchDirectory: String, batchID: String, options: ParseOptions) throws(ParseError) {
        self.batchID = batchID
        self.options = options
        let docs = batchDirectory + "/docs"
        store = try DocumentStore(root: docs)
        writer = DocumentWriterThread(store: store)
        index = ParseIndex(batchID: batchID, docsDirectory: docs)
    }

    mutating func handle(_ bytes: UnsafeRawBufferPointer, source: String, line: Int) throws(ParseError) {
        let result: ResultLine
        do {
            result = try ResultLine(json: bytes)
        } catch {
            // An unreadable line cannot be matched against `only`, so it is always reported.
            index.failed += 1
            index.items.append(.init(
                customID: nil, file: nil, status: .error,
                error: .init(code: "invalid_line", message: error.message), source: "\(source):\(line)"
            ))
            return
        }
        let id = CustomID(parsing: result.customID)
        let selected = options.only?.contains(result.customID) ?? true
        switch result.outcome {
        case let .failure(code, message):
            guard selected else { return }
            index.failed += 1
            index.items.append(.init(customID: result.customID, file: nil, status: .error,
                                     error: .init(code: code, message: message)))
        case let .content(content):
            var format = DocumentFormat.markdown
            var text = content
            if case let .segment(_, topic, _, _) = id {
                if let diagram = DocumentRenderer.plantUML(in: content) {
                    format = .plantUML
                    text = diagram
                } else if options.topicFormats[topic] == .plantUML {
                    format = .plantUML
                    text = DocumentRenderer.unfenced(content.trimmingWhitespace()) ?? content
                }
            }
            // Names are claimed for every line, selected or not, so `only` never shifts them.
            let placement = namer.place(id, format: format)
            if case let .segment(process, topic, number, _) = id, let directory = placement.processDirectory {
                segments[directory, default: []].append(
                    Segment(process: process, topic: topic, index: number, file: placement.relativePath, format: format)
                )
                if selected { selectedProcesses[directory] = selectedProcesses[directory] ?? false }
            }
            guard selected else { return }
            let exists = store.exists(placement.relativePath)
            if !options.force && exists {
                index.skipped += 1
                index.items.append(.init(customID: result.customID, file: placement.relativePath, status: .skipped))
                return
            }
            // One array per document: it is handed to the writer thread.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 512)
            if format == .plantUML {
                DocumentRenderer.plantUML(id: id, batchID: batchID, diagram: text, into: &bytes)
            } else {
                DocumentRenderer.markdown(id: id, batchID: batchID, content: text, into: &bytes)
            }
            try writer.write(bytes, to: placement.relativePath)
            if let directory = placement.processDirectory { selectedProcesses[directory] = true }
            index.processed += 1
            index.items.append(.init(customID: result.customID, file: placement.relativePath, status: .processed))
        }
    }

    /// Writes `docs/<proc>/final.md` for each process whose segments changed (or that has none
    /// yet): its segments in topic, then segment, order.
    mutating func assembleFinals() throws(ParseError) {
        for directory in selectedProcesses.keys.sorted() {
            let finalPath = directory + "/final.md"
            let wroteSegment = selectedProcesses[directory] ?? false
            guard wroteSegment || options.force || !store.exists(finalPath) else { continue }
            let parts = (segments[directory] ?? []).sorted {
                ($0.topic, $0.index, $0.file) < ($1.topic, $1.index, $1.file)
            }
            guard let first = parts.first else { continue }
            var text = "---\n"
            text += "batch_id: \(YAMLScalar.quoted(batchID))\n"
            text += "process: \(YAMLScalar.quoted(first.process))\n"
            text += "segments: \(parts.count)\n"
            text += "---\n\n# \(first.process)\n"
            var currentTopic: String?
            for part in parts {
                guard let document = try store.read(part.file) else { continue }
                if part.topic != currentTopic {
                    text += "\n## \(part.topic)\n"
                    currentTopic = part.topic
                }
                let body = DocumentRenderer.body(of: document, format: part.format)
                if part.format == .plantUML {
                    text += "\n```plantuml\n\(body)\n```\n"
                } else {
                    text += "\n\(body)\n"
                }
            }
            try store.write(Array(text.utf8), to: finalPath)
            index.finals.append(finalPath)
        }
    }
}
