import BatchCore
import Foundation
import JSON
import Logging
import Synchronization
import OpenAIClient
import SystemIO

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
        if aheadEligible(.run) {
            // Worked out ahead: validated on all cores, then answered on all cores.
            let clock = ContinuousClock()
            let started = clock.now
            let mapped = try MappedFile(path: input.path)
            let scan = try await InputScan.run(mapped, endpoint: record.endpoint, parts: Self.parts, counter: configuration.tokenCounter)
            let scanned = clock.now
            guard try await admit(id, report: scan.report, errors: scan.errors, promptTokens: { scan.promptTokens }) else { return }
            try await runAhead(id, record: record, input: mapped, scan: scan)
            logger.debug("batch \(id): validated in \(scanned - started), answered in \(clock.now - scanned)")
            return
        }
        let (report, errors) = try await InputFileValidation.validate(path: input.path, endpoint: record.endpoint)
        let counter = configuration.tokenCounter
        guard try await admit(id, report: report, errors: errors, promptTokens: {
            try await PromptTokens.ofFile(input.path, counter: counter)
        }) else { return }
        try await runRequests(id, record: record, inputPath: input.path, mode: .run)
    }

    /// Moves a validated batch on: to `failed` when the file is bad (or the queue is full), to
    /// `cancelled` when a cancel came while validating, else to `in_progress`. Whether requests run.
    /// `promptTokens` gives the file's prompt tokens (the sum of its lines'); it is asked only when the
    /// model has a cap.
    private func admit(
        _ id: String, report: InputValidationReport, errors: [BatchError], promptTokens: () async throws -> Int
    ) async throws -> Bool {
        guard report.isValid else {
            try await store.apply(.validationFailed(errors), to: id)
            return false
        }
        await store.setModel(id, report.model)
        let limit = configuration.enqueuedTokenLimit(for: report.model)
        let tokens = limit == nil ? 0 : try await promptTokens()
        var admitted = false
        if !(await store.takeTokenLimitFailure()) {
            admitted = await store.enqueue(id, model: report.model, tokens: tokens, limit: limit)
        }
        if !admitted {
            let model = report.model ?? "the model"
            let shown = Self.grouped(limit ?? 90_000)
            try await store.apply(.validationFailed([BatchError(
                code: "token_limit_exceeded",
                message: "Enqueued token limit reached for \(model) in organization org-simulator. Limit: \(shown) enqueued tokens. "
                    + "Please try again once some in_progress batches have been completed."
            )]), to: id)
            return false
        }
        do {
            try await store.apply(.validationPassed(total: report.requestCount), to: id)
        } catch is BatchLifecycle.TransitionError {
            // Cancelled while validating.
            try await pause(configuration.cancellationDelay)
            try await store.apply(.resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0), to: id)
            return false
        }
        return true
    }

    /// Tasks a batch worked out ahead is spread over: two a core, so a core the writer of results
    /// (or the validator) holds for a while does not leave the other waiting at the end of a chunk.
    static let parts = 2 * max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// Whether a batch is worked out ahead (`InputScan`, then `runAhead`): with no latency to
    /// simulate and a responder free of side effects, nothing is lost by answering lines in parallel.
    func aheadEligible(_ mode: Mode) -> Bool {
        mode == .run && configuration.requestConcurrency <= 1 && configuration.requestLatency == .zero && responder.answersAhead
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

    private func runRequests(_ id: String, record: BatchRecord, inputPath: String, mode: Mode) async throws {
        let (output, errors) = try resultWriters(id)
        let reader: LineReader
        do { reader = try LineReader(path: inputPath) } catch { throw FileIOError(error) }
        let decoder = JSONDecoder()
        let counter = billsPromptTokens ? configuration.tokenCounter : nil
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

        // Up to `concurrency` requests run at once; the output's order may then differ from the
        // input's, as the real service's does. Stopping lets those in flight finish (the drain).
        try await withThrowingTaskGroup(of: (String, ResponderResult).self) { group in
            var inFlight = 0
            while let line = try Self.nextLine(reader) {
                lineIndex += 1
                try Task.checkCancellation()
                let request = Self.requestLine(line, decoder: decoder)
                let customID = request?.customID ?? "line-\(lineIndex)"
                let promptTokens = counter.map { counter in line.withUnsafeBytes { counter.tokens(ofLine: $0).input } }
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
                    try await keep(customID, await answer(request, line: lineIndex, endpoint: record.endpoint, promptTokens: promptTokens))
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
                    return (customID, await answer(request, line: index, endpoint: endpoint, promptTokens: promptTokens))
                }
                inFlight += 1
            }
            while let (doneID, answer) = try await group.next() {
                try await keep(doneID, answer)
            }
        }
        try await finish(id, record: record, output: output, errors: errors, stopCode: stopCode, unfinished: unfinished, mode: mode)
    }

    /// The hidden files a batch's results are written to until they are stored.
    func resultWriters(_ id: String) throws -> (output: BufferedFileWriter, errors: BufferedFileWriter) {
        let directory = store.filesDirectory
        return (
            try BufferedFileWriter(path: "\(directory)/.\(id)-output.partial"),
            try BufferedFileWriter(path: "\(directory)/.\(id)-error.partial")
        )
    }

    /// After the last request: finalizing (unless stopped), then the result files stored and the
    /// batch ended. `unfinished` lines were listed as not run under `stopCode`.
    func finish(
        _ id: String, record: BatchRecord, output: BufferedFileWriter, errors: BufferedFileWriter,
        stopCode: String?, unfinished: Int, mode: Mode
    ) async throws {
        var stopCode = stopCode
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
    /// Input bytes per chunk at most: long lines make shorter chunks, so a cancel is still seen soon.
    static let aheadChunkBytes = 4 << 20

    /// Lines worked out ahead: their result lines one after another in `bytes` (each with its
    /// `\n`), and for each where it ends, which file it goes to and its usage.
    struct PreparedRun: Sendable {
        struct Line: Sendable {
            let end: Int
            let succeeded: Bool
            let usage: BatchUsage?
        }

        var bytes: [UInt8] = []
        var lines: [Line] = []
    }

    /// Answers one line (number `number`) into `writer`, its result line and `\n`; whether it
    /// succeeded, and its usage. A chat line taken apart by the scan (`chat` and `customID`, with
    /// the file's `model`) is answered from its bytes; any other line is read as JSON first.
    /// Either way the result is the responder's, byte for byte.
    func prepare(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, endpoint: String,
        customID scannedID: String?, chat: [ChatMessageSpan]?, model: String?, promptTokens: Int, into writer: inout JSONWriter
    ) async -> (succeeded: Bool, usage: BatchUsage?) {
        defer { writer.newline() }
        let billed = billsPromptTokens ? promptTokens : nil
        if let chat, !chat.isEmpty, let scannedID, endpoint == "/v1/chat/completions", let model, !model.isEmpty,
           let template = responder as? TemplateResponder, !injectsFailure(line: number) {
            let encoded = ChatSpanText.withHeads(chat, in: line) { heads in
                template.encodedChat(model: model, heads: heads, lastUser: chat.lastIndex(where: \.isUser), promptTokens: billed)
            }
            return Self.write(encoded, customID: scannedID, into: &writer)
        }
        let request = Self.requestLine(Array(line), decoder: JSONDecoder())
        let customID = request?.customID ?? "line-\(number)"
        if let request, let template = responder as? TemplateResponder, !injectsFailure(line: number),
           let encoded = template.encodedChat(endpoint: endpoint, body: request.body, promptTokens: billed) {
            return Self.write(encoded, customID: customID, into: &writer)
        }
        let answer = await answer(request, line: number, endpoint: endpoint, promptTokens: billed)
        writer.writeResultLine(
            id: Identifiers.batchRequest(), customID: customID,
            response: .init(statusCode: answer.statusCode, requestID: Identifiers.request(), body: answer.body), error: nil
        )
        return (answer.isSuccess, answer.usage)
    }

    /// The template's chat answer written as bytes, without a JSON value of it.
    private static func write(
        _ encoded: (usage: BatchUsage, write: (inout JSONWriter) -> Void), customID: String, into writer: inout JSONWriter
    ) -> (succeeded: Bool, usage: BatchUsage?) {
        writer.writeResultLine(
            id: Identifiers.batchRequest(), customID: customID, statusCode: 200, requestID: Identifiers.request(), writeBody: encoded.write
        )
        return (true, encoded.usage)
    }

    /// Whether failure injection picks this line (the draw `answer` makes first).
    func injectsFailure(line: Int) -> Bool {
        guard configuration.requestFailureRate > 0, !configuration.requestFailureStatuses.isEmpty else { return false }
        var generator = SeededGenerator(seed: configuration.seed ^ (UInt64(line) &* 0x9E37_79B9_7F4A_7C15))
        return generator.nextUnit() < configuration.requestFailureRate
    }

    /// Whether the responder's usage is the simulator's to give (the template's): it is then billed with
    /// the configured counter. An upstream server's usage is its own.
    var billsPromptTokens: Bool { responder.billsWithTokenCounter }

    /// The responder's answer, or an injected failure for the configured fraction of lines; a success
    /// billed `promptTokens` when given.
    func answer(_ request: BatchRequestLine?, line: Int, endpoint: String, promptTokens: Int?) async -> ResponderResult {
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
        let answer = await responder.respond(endpoint: endpoint, body: request.body)
        return promptTokens.map { answer.billing(promptTokens: $0) } ?? answer
    }

    /// The request on a line: the fast reader first, `JSONDecoder` when it refuses the line.
    static func requestLine(_ line: [UInt8], decoder: JSONDecoder) -> BatchRequestLine? {
        if let value = try? JSONValue(parsing: line), let customID = value["custom_id"]?.stringValue,
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

    func pause(_ duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
    }

    /// The input's next line (as SystemIO's reader gives it: no `\n`, no trailing `\r`), or nil.
    private static func nextLine(_ reader: LineReader) throws(FileIOError) -> [UInt8]? {
        do { return try reader.nextLine() } catch { throw FileIOError(error) }
    }
}
