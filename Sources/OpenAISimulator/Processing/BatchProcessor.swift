import Foundation
import Logging
import Synchronization
import OpenAIClient

/// Runs one batch from `validating` to a terminal state: validates the input file, runs each request
/// through the responder (with the configured latency and failure rate), moves the counts as requests
/// finish, and writes the output and error files in the reference's line formats. Every input line
/// ends up in exactly one of them (requests that never ran as `batch_expired`/`batch_cancelled`).
struct BatchProcessor: Sendable {
    let store: SimulatorStore
    let responder: any Responder
    let configuration: SimulatorConfiguration
    let logger: Logger

    func run(batchID: String) async {
        do {
            try await process(batchID)
        } catch is CancellationError {
            logger.debug("batch \(batchID): processing stopped")
        } catch {
            logger.error("batch \(batchID): processing failed: \(error)")
        }
    }

    /// Picks up a batch that was running when the simulator stopped (`--data-dir`): requests run
    /// again from the first, since the results of the lost run are gone.
    func resume(batchID id: String) async {
        do {
            guard let record = await store.record(id), let input = await store.file(record.inputFileID) else { return }
            logger.info("batch \(id): resuming in status \(record.lifecycle.status)")
            let actions = try await store.apply(.resumed, to: id)
            switch (record.lifecycle.status, actions.first) {
            case (.validating, _):
                try await process(id)
            case (_, .startProcessing?):
                try await runRequests(id, record: record, inputPath: input.path, mode: .run)
            case (_, .stopProcessing(let code)?):
                try await runRequests(id, record: record, inputPath: input.path, mode: .stopped(code))
            case (_, .writeResults?):
                try await runRequests(id, record: record, inputPath: input.path, mode: .rewrite)
            default:
                break
            }
        } catch is CancellationError {
            logger.debug("batch \(id): processing stopped")
        } catch {
            logger.error("batch \(id): processing failed: \(error)")
        }
    }

    private func process(_ id: String) async throws {
        try await pause(configuration.validationDelay)
        guard let record = await store.record(id) else { return }
        if record.lifecycle.status == .cancelling {
            try await pause(configuration.cancellationDelay)
            try await store.apply(.resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0), to: id)
            return
        }
        guard let input = await store.file(record.inputFileID) else {
            try await store.apply(.validationFailed([BatchError(
                code: "invalid_input_file", message: "The input file \(record.inputFileID) no longer exists.", param: "input_file_id"
            )]), to: id)
            return
        }
        // While one core validates, the other works out the first lines ahead (kept in memory
        // only, so a file that fails validation runs nothing); an early return drops them.
        let validated = Speculation.Flag()
        async let speculated = aheadEligible(.run) ? speculate(path: input.path, endpoint: record.endpoint, until: validated) : nil
        let (report, errors) = try await InputFileValidation.validate(path: input.path, endpoint: record.endpoint)
        validated.raise()  // the head start ends with validation: from here both cores go on together
        guard report.isValid else {
            try await store.apply(.validationFailed(errors), to: id)
            return
        }
        await store.setModel(id, report.model)
        if await store.takeTokenLimitFailure() {
            let model = report.model ?? "the model"
            try await store.apply(.validationFailed([BatchError(
                code: "token_limit_exceeded",
                message: "Enqueued token limit reached for \(model) in organization org-simulator. Limit: 90,000 enqueued tokens. "
                    + "Please try again once some in_progress batches have been completed."
            )]), to: id)
            return
        }
        do {
            try await store.apply(.validationPassed(total: report.requestCount), to: id)
        } catch is BatchLifecycle.TransitionError {
            // Cancelled while validating.
            try await pause(configuration.cancellationDelay)
            try await store.apply(.resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0), to: id)
            return
        }
        try await runRequests(id, record: record, inputPath: input.path, mode: .run, speculation: await speculated)
    }

    /// Whether a batch's lines are worked out ahead (see `runRequests`).
    private func aheadEligible(_ mode: Mode) -> Bool {
        mode == .run && configuration.requestConcurrency <= 1 && configuration.requestLatency == .zero && responder.answersAhead
    }

    /// The first lines of a file worked out ahead while it is validated, and the reader past them.
    final class Speculation: @unchecked Sendable {  // handed from the child task that made it, then used by one task
        let reader: LineReader
        var chunks: [[Prepared]] = []
        init(reader: LineReader) { self.reader = reader }

        /// Raised once, read between chunks.
        final class Flag: Sendable {
            private let raised = Atomic<Bool>(false)
            func raise() { raised.store(true, ordering: .releasing) }
            var isRaised: Bool { raised.load(ordering: .acquiring) }
        }
    }

    /// Works out chunks from the start of the file on one core until `validated` is raised, up to
    /// `speculativeBytes` of result lines; stops when cancelled (validation threw or the batch
    /// ended early) or at the end of the file. Nothing is written or counted here.
    private func speculate(path: String, endpoint: String, until validated: Speculation.Flag) async -> Speculation? {
        guard let reader = try? LineReader(path: path) else { return nil }
        let speculation = Speculation(reader: reader)
        var firstLine = 1
        var resultBytes = 0
        while !Task.isCancelled, !validated.isRaised, resultBytes < Self.speculativeBytes {
            guard let lines = try? Self.readChunk(reader), !lines.isEmpty else { break }
            let prepared = await prepare(lines, firstLine: firstLine, endpoint: endpoint, parts: 1)
            firstLine += lines.count
            resultBytes += prepared.reduce(0) { $0 + $1.resultLine.count }
            speculation.chunks.append(prepared)
        }
        return speculation
    }

    /// Result-line bytes worked out during validation at most (a bounded, in-memory head start).
    static let speculativeBytes = 32 << 20

    /// The next lines of `reader`: `aheadChunkLines` at most, `aheadChunkBytes` of input about.
    static func readChunk(_ reader: LineReader) throws -> [[UInt8]] {
        var chunk: [[UInt8]] = []
        chunk.reserveCapacity(aheadChunkLines)
        var bytes = 0
        while chunk.count < aheadChunkLines, bytes < aheadChunkBytes, let line = try reader.next() {
            chunk.append(line)
            bytes += line.count
        }
        return chunk
    }

    /// How the requests of a batch are gone through.
    enum Mode: Equatable {
        /// Run each, counting it, until the batch is stopped.
        case run
        /// Run each again without counting (a resumed `finalizing` batch: its counts are final).
        case rewrite
        /// List each as not run, under this code.
        case stopped(String)
    }

    private func runRequests(
        _ id: String, record: BatchRecord, inputPath: String, mode: Mode, speculation: Speculation? = nil
    ) async throws {
        let directory = store.filesDirectory
        let output = try BufferedFileWriter(path: "\(directory)/.\(id)-output.partial")
        let errors = try BufferedFileWriter(path: "\(directory)/.\(id)-error.partial")
        // Chunks worked out during validation come first; the reader goes on after them.
        let reader = try speculation?.reader ?? LineReader(path: inputPath)
        var pending = speculation?.chunks ?? []
        let decoder = JSONDecoder()
        var stopCode: String?
        if case .stopped(let code) = mode { stopCode = code }
        var unfinished = 0
        var lineIndex = 0
        let concurrency = max(1, configuration.requestConcurrency)

        /// Writes one answer to its file and counts it.
        func keep(_ customID: String, _ answer: ResponderResult) async throws {
            let encoded = JSONWriter.resultLine(
                id: Identifiers.batchRequest(), customID: customID,
                response: .init(statusCode: answer.statusCode, requestID: Identifiers.request(), body: answer.body), error: nil
            )
            if answer.isSuccess { try output.writeLine(encoded) } else { try errors.writeLine(encoded) }
            if mode == .run {
                try await store.apply(.requestFinished(succeeded: answer.isSuccess, usage: answer.usage), to: id)
            }
        }

        // A zero-latency batch with a responder free of side effects: lines are worked out ahead,
        // a chunk at a time spread over the cores, then kept in input order one by one, each after
        // the same checkpoint as below. Answers for lines after a stop are dropped; those lines,
        // and the rest of the file (by the loop below), are listed as not run.
        if concurrency == 1, configuration.requestLatency == .zero, responder.answersAhead, stopCode == nil {
            let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
            var current = pending.isEmpty
                ? await prepare(try Self.readChunk(reader), firstLine: 1, endpoint: record.endpoint, parts: parts)
                : pending.removeFirst()
            ahead: while !current.isEmpty {
                // The next chunk is worked out while this one is written and counted (unless it
                // was worked out during validation).
                let queued: [Prepared]? = pending.isEmpty ? nil : pending.removeFirst()
                let next = queued == nil ? try Self.readChunk(reader) : []
                let nextFirstLine = lineIndex + current.count + 1
                async let computed = prepare(next, firstLine: nextFirstLine, endpoint: record.endpoint, parts: parts)
                if mode == .run { stopCode = await store.checkpoint(id) }
                for (position, item) in current.enumerated() {
                    try Task.checkCancellation()
                    if let code = stopCode {
                        // This line on, the chunk read ahead and any still queued never ran.
                        var upcoming = queued ?? []
                        if queued == nil { upcoming = await computed }
                        for skipped in current[position...] + upcoming + pending.joined() {
                            lineIndex += 1
                            if code == "batch_cancelled", !configuration.listCancelledRequests { continue }
                            try errors.writeLine(JSONWriter.resultLine(
                                id: Identifiers.batchRequest(), customID: skipped.customID, response: nil,
                                error: .init(code: code, message: Self.message(for: code))
                            ))
                            unfinished += 1
                        }
                        break ahead
                    }
                    lineIndex += 1
                    if item.succeeded { try output.writeLine(item.resultLine) } else { try errors.writeLine(item.resultLine) }
                    if mode == .run {
                        // Counted, and the checkpoint before the next line of the chunk, in one call.
                        stopCode = try await store.finishRequest(
                            id, succeeded: item.succeeded, usage: item.usage, checkpointNext: position + 1 < current.count
                        )
                    }
                }
                if let queued { current = queued } else { current = await computed }
            }
        }

        // Up to `concurrency` requests run at once; the output's order may then differ from the
        // input's, as the real service's does. Stopping lets those in flight finish (the drain).
        try await withThrowingTaskGroup(of: (String, ResponderResult).self) { group in
            var inFlight = 0
            while let line = try reader.next() {
                lineIndex += 1
                try Task.checkCancellation()
                let request = Self.requestLine(line, decoder: decoder)
                let customID = request?.customID ?? "line-\(lineIndex)"
                if stopCode == nil, mode == .run { stopCode = await store.checkpoint(id) }
                if let code = stopCode {
                    if code == "batch_cancelled", !configuration.listCancelledRequests { continue }
                    try errors.writeLine(JSONWriter.resultLine(
                        id: Identifiers.batchRequest(), customID: customID, response: nil,
                        error: .init(code: code, message: Self.message(for: code))
                    ))
                    unfinished += 1
                    continue
                }
                if concurrency == 1 {
                    try await pause(configuration.requestLatency)
                    try await keep(customID, await answer(request, line: lineIndex, endpoint: record.endpoint))
                    continue
                }
                if inFlight >= concurrency, let (doneID, answer) = try await group.next() {
                    inFlight -= 1
                    try await keep(doneID, answer)
                }
                let index = lineIndex
                let endpoint = record.endpoint
                group.addTask {
                    try await pause(configuration.requestLatency)
                    return (customID, await answer(request, line: index, endpoint: endpoint))
                }
                inFlight += 1
            }
            while let (doneID, answer) = try await group.next() {
                try await keep(doneID, answer)
            }
        }

        if stopCode == nil, mode == .run {
            do {
                try await store.apply(.allRequestsFinished, to: id)
                try await pause(configuration.finalizingDelay)
                _ = await store.checkpoint(id)  // the window may pass while finalizing
            } catch is BatchLifecycle.TransitionError {
                stopCode = await store.checkpoint(id)  // a cancel or the deadline came after the last request
            }
        }
        if stopCode == "batch_cancelled" { try await pause(configuration.cancellationDelay) }

        try output.finish()
        try errors.finish()
        let expiry = record.outputExpiresAfter?.seconds ?? configuration.defaultFileExpirySeconds
        var outputID: String?
        var errorID: String?
        if output.lineCount > 0 {
            outputID = try await store.addFile(
                movingFrom: output.path, bytes: output.byteCount, filename: "batch_\(id)_output.jsonl",
                purpose: "batch_output", expiresAfter: expiry
            ).id
        } else {
            unlink(output.path)
        }
        if errors.lineCount > 0 {
            errorID = try await store.addFile(
                movingFrom: errors.path, bytes: errors.byteCount, filename: "batch_\(id)_error.jsonl",
                purpose: "batch_output", expiresAfter: expiry
            ).id
        } else {
            unlink(errors.path)
        }
        let actions = try await store.apply(
            .resultsWritten(outputFileID: outputID, errorFileID: errorID, unfinished: unfinished), to: id
        )
        for case .finished(let status) in actions {
            logger.info("batch \(id) \(status): \(output.lineCount) results, \(errors.lineCount) errors")
        }
    }

    /// Lines worked out ahead per chunk: a cancel is seen within one chunk's work.
    static let aheadChunkLines = 512
    /// Input bytes per chunk at most (long lines make shorter chunks): two chunks are held at once.
    static let aheadChunkBytes = 4 << 20

    /// A line worked out ahead: its `custom_id`, its result line, and which file it goes to.
    struct Prepared: Sendable {
        let customID: String
        let resultLine: [UInt8]
        let succeeded: Bool
        let usage: BatchUsage?
    }

    /// Parses and answers `lines` (numbered from `firstLine`) in up to `parts` child tasks; the
    /// results come back in input order.
    private func prepare(_ lines: [[UInt8]], firstLine: Int, endpoint: String, parts: Int) async -> [Prepared] {
        let size = max(1, (lines.count + parts - 1) / parts)
        return await withTaskGroup(of: (Int, [Prepared]).self) { group in
            for start in stride(from: 0, to: lines.count, by: size) {
                let slice = Array(lines[start..<min(lines.count, start + size)])
                group.addTask {
                    let decoder = JSONDecoder()
                    var prepared: [Prepared] = []
                    prepared.reserveCapacity(slice.count)
                    for (offset, line) in slice.enumerated() {
                        let number = firstLine + start + offset
                        let request = Self.requestLine(line, decoder: decoder)
                        let customID = request?.customID ?? "line-\(number)"
                        if let request, let template = responder as? TemplateResponder, !injectsFailure(line: number),
                           let encoded = template.encodedChat(endpoint: endpoint, body: request.body) {
                            // The template's chat answer written as bytes, without a JSON value of it.
                            let resultLine = JSONWriter.resultLine(
                                id: Identifiers.batchRequest(), customID: customID, statusCode: 200,
                                requestID: Identifiers.request(), writeBody: encoded.write
                            )
                            prepared.append(Prepared(customID: customID, resultLine: resultLine, succeeded: true, usage: encoded.usage))
                            continue
                        }
                        let answer = await answer(request, line: number, endpoint: endpoint)
                        let resultLine = JSONWriter.resultLine(
                            id: Identifiers.batchRequest(), customID: customID,
                            response: .init(statusCode: answer.statusCode, requestID: Identifiers.request(), body: answer.body), error: nil
                        )
                        prepared.append(Prepared(customID: customID, resultLine: resultLine, succeeded: answer.isSuccess, usage: answer.usage))
                    }
                    return (start, prepared)
                }
            }
            var pieces: [(start: Int, prepared: [Prepared])] = []
            for await piece in group { pieces.append(piece) }
            return pieces.sorted { $0.start < $1.start }.flatMap(\.prepared)
        }
    }

    /// Whether failure injection picks this line (the draw `answer` makes first).
    private func injectsFailure(line: Int) -> Bool {
        guard configuration.requestFailureRate > 0, !configuration.requestFailureStatuses.isEmpty else { return false }
        var generator = SeededGenerator(seed: configuration.seed ^ (UInt64(line) &* 0x9E37_79B9_7F4A_7C15))
        return generator.nextUnit() < configuration.requestFailureRate
    }

    /// The responder's answer, or an injected failure for the configured fraction of lines.
    private func answer(_ request: BatchRequestLine?, line: Int, endpoint: String) async -> ResponderResult {
        guard let request else {
            return .error(400, message: "This line is not a valid request.", code: "invalid_request")
        }
        if configuration.requestFailureRate > 0, !configuration.requestFailureStatuses.isEmpty {
            var generator = SeededGenerator(seed: configuration.seed ^ (UInt64(line) &* 0x9E37_79B9_7F4A_7C15))
            if generator.nextUnit() < configuration.requestFailureRate {
                let statuses = configuration.requestFailureStatuses
                let status = statuses[Int(generator.next() % UInt64(statuses.count))]
                return Self.injectedFailure(status)
            }
        }
        return await responder.respond(endpoint: endpoint, body: request.body)
    }

    /// The request on a line: the fast reader first, `JSONDecoder` when it refuses the line.
    static func requestLine(_ line: [UInt8], decoder: JSONDecoder) -> BatchRequestLine? {
        if let value = JSONReader.parse(line), let customID = value["custom_id"]?.stringValue,
           let url = value["url"]?.stringValue, let body = value["body"] {
            return BatchRequestLine(customID: customID, method: value["method"]?.stringValue ?? "POST", url: url, body: body)
        }
        return try? decoder.decode(BatchRequestLine.self, from: Data(line))
    }

    static func injectedFailure(_ status: Int) -> ResponderResult {
        switch status {
        case 429:
            return .error(429, message: "Rate limit reached for requests.", type: "rate_limit_error", code: "rate_limit_exceeded")
        case 500...:
            return .error(status, message: "The server had an error while processing your request. Sorry about that!", type: "server_error")
        default:
            return .error(status, message: "The request was rejected by the simulator's failure injection.", code: "simulated_failure")
        }
    }

    static func message(for code: String) -> String {
        switch code {
        case "batch_expired": "This request could not be executed before the completion window expired."
        default: "This request was not executed because the batch was cancelled."
        }
    }

    private func pause(_ duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
    }
}
