import BatchCore

/// The state of one parse run: documents queued to the writer thread, data results spooled, and the
/// index of the whole batch as it is built line by line.
struct ParseRun {
    /// A segment document, remembered to assemble its process's `final.md`.
    struct Segment {
        var process: String
        var topic: String
        var index: Int
        var file: String
        var format: DocumentFormat
    }

    /// The data results of one kind met in this run.
    struct DataResults {
        /// Whether this run (re)writes the data file: `force`, or the file is not there yet.
        var rewrites: Bool
        /// The spool, when `rewrites`.
        var writer: DataFileWriter?
        /// Positions in `index.items` of this kind's items (their status is settled at the end).
        var items: [Int] = []
        /// Results selected by `only` (all without it).
        var selected = 0
    }

    let batchDirectory: String
    let batchID: String
    let options: ParseOptions
    let store: DocumentStore
    let writer: DocumentWriterThread
    let input: InputIDs
    let previous: PreviousEntries
    var namer = DocumentNamer()
    var index: ParseIndex
    /// Segments per process directory (relative to `docs/`).
    var segments: [String: [Segment]] = [:]
    /// Process directories with a segment selected in this run, and whether one was written.
    var selectedProcesses: [String: Bool] = [:]
    /// Input ids that some result line answered, by input position.
    var answered: [Bool]
    var data: [DataResult.Kind: DataResults] = [:]

    init(batchDirectory: String, batchID: String, options: ParseOptions, input: InputIDs, previous: PreviousEntries) throws(ParseError) {
        self.batchDirectory = batchDirectory
        self.batchID = batchID
        self.options = options
        self.input = input
        self.previous = previous
        let docs = batchDirectory + "/docs"
        store = try DocumentStore(root: docs)
        writer = DocumentWriterThread(store: store)
        index = ParseIndex(batchID: batchID, docsDirectory: docs)
        answered = Array(repeating: false, count: input.ordered.count)
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
        if let position = input.position[result.customID] { answered[position] = true }
        let selected = options.only?.contains(result.customID) ?? true
        switch result.outcome {
        case let .failure(code, message):
            fail(result.customID, code: code, message: message, selected: selected)
        case .noText:
            guard let found = DataResult(line: bytes, customID: result.customID) else {
                fail(result.customID, code: "no_content", message: "the response has no text content", selected: selected)
                return
            }
            try record(found, id: result.customID, selected: selected)
        case let .content(content):
            try document(id: result.customID, content: content, selected: selected)
        }
    }

    /// A failed request is described whether selected or not (its line says all there is to say);
    /// only a selected one counts in this run's `failed`.
    private mutating func fail(_ id: String, code: String, message: String, selected: Bool) {
        if selected { index.failed += 1 }
        index.items.append(.init(customID: id, file: nil, status: .error, error: .init(code: code, message: message)))
    }

    private mutating func document(id rawID: String, content: String, selected: Bool) throws(ParseError) {
        let id = CustomID(parsing: rawID)
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
        guard selected else {
            // Outside `only`: the entry an earlier run wrote stays; without one, what is on disk.
            let status: ParseIndex.Status = store.exists(placement.relativePath) ? .skipped : .pending
            index.items.append(previous.entry(for: rawID, file: placement.relativePath)
                ?? .init(customID: rawID, file: placement.relativePath, status: status))
            return
        }
        let exists = store.exists(placement.relativePath)
        if !options.force && exists {
            index.skipped += 1
            index.items.append(.init(customID: rawID, file: placement.relativePath, status: .skipped))
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
        index.items.append(.init(customID: rawID, file: placement.relativePath, status: .processed))
    }

    /// A data result: spooled for its data file when this run rewrites that file; its item's status is
    /// settled by `writeDataFiles`.
    private mutating func record(_ result: DataResult, id: String, selected: Bool) throws(ParseError) {
        let kind = result.kind
        var results = data[kind] ?? DataResults(rewrites: options.force || !store.exists(kind.file))
        if results.rewrites {
            if results.writer == nil { results.writer = try DataFileWriter(kind: kind, directory: batchDirectory) }
            try results.writer?.add(result.line, position: input.position[id])
        }
        if selected { results.selected += 1 }
        results.items.append(index.items.count)
        index.items.append(.init(customID: id, file: kind.file, status: .ok))
        data[kind] = results
    }

    /// Writes each data file whose results this run selected (whole: every result of its kind, in input
    /// order), and settles the data items: `ok` when their file exists after the run, `pending` otherwise.
    mutating func writeDataFiles() throws(ParseError) {
        for kind in DataResult.Kind.allCases {
            guard let results = data[kind] else { continue }
            let status: ParseIndex.Status
            if results.rewrites, results.selected > 0, let spool = results.writer {
                let file = try store.makeFile(kind.file)
                do throws(ParseError) {
                    try spool.copy(into: file)
                    try store.commit(file)
                } catch {
                    file.abandon()
                    throw error
                }
                index.processed += results.selected
                status = .ok
            } else if store.exists(kind.file) {
                index.skipped += results.selected
                status = .ok
            } else {
                status = .pending
            }
            for position in results.items { index.items[position].status = status }
        }
    }

    /// Lists the input ids that no result line answered, in input order.
    mutating func listMissing() {
        for (position, id) in input.ordered.enumerated() where !answered[position] {
            index.missing += 1
            index.items.append(.init(customID: id, file: nil, status: .missing))
        }
    }

    /// Writes `docs/<proc>/final.md` for each process whose segments changed (or that has none
    /// yet): its segments in topic, then segment, order.
    mutating func assembleFinals() throws(ParseError) {
        for directory in selectedProcesses.keys.sorted() {
            let finalPath = directory + "/final.md"
            let wroteSegment = selectedProcesses[directory] ?? false
            guard wroteSegment || options.force || !store.exists(finalPath) else { continue }
            let segments = segments[directory] ?? []
            guard let first = segments.first else { continue }
            let parts = segments.map { FinalDocument.Part(topic: $0.topic, index: $0.index, file: $0.file, format: $0.format) }
            let text = try FinalDocument.text(label: batchID, process: first.process, parts: parts, store: store)
            try store.write(Array(text.utf8), to: finalPath)
            index.finals.append(finalPath)
        }
    }
}
