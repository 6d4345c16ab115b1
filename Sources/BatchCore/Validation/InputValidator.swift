#if canImport(Glibc)
import Glibc
#endif

/// Checks a Batch API input file as the real service does (reference §6), streaming: feed it the file's
/// bytes in chunks of any size and call `finish()`. Memory stays bounded whatever the file's size (one
/// line at a time, plus the set of `custom_id`s).
///
/// Rules: one JSON object per line; a non-empty string `custom_id`, unique in the file; `method` `POST`;
/// one `url` for the whole file, a supported endpoint, equal to the batch's endpoint when one is given;
/// a `body` object with a `model` (one model per file), and no `"stream": true`; at most 50,000 lines and
/// 200 MB; not empty. Every bad line is reported with its 1-based number (up to `maxIssues`).
///
/// A job's input (`Scope.job`) is checked by the same rules except one model per file: its lines are
/// grouped by model into batches later, and the file limits are the caller's to set (unbounded limits let
/// a job's input of any size through; its batches are cut within the real ones).
public struct InputValidator: Sendable {
    /// What the input becomes: one batch, or a job of one batch per model and size.
    public enum Scope: Sendable {
        /// One batch file: one model for all its lines.
        case batch
        /// A job's input: lines of several models may mix.
        case job
    }

    /// The limits in force.
    public let limits: BatchLimits
    /// The endpoint every line must target, when the batch names one.
    public let expectedEndpoint: String?
    /// How many issues are kept; the rest are counted.
    public let maxIssues: Int
    /// One batch or a job's input.
    public let scope: Scope

    private var pending: [UInt8] = []
    private var lineNumber = 0
    private var requestCount = 0
    private var byteCount: Int64 = 0
    private var customIDs = CustomIDSet()
    private var endpoint: String?
    private var model: String?
    private var issues: [ValidationIssue] = []
    private var issueCount = 0
    private var tooManyReported = false
    private var tooLargeReported = false

    /// Creates a validator; `expectedEndpoint` is the batch's `endpoint`, when known.
    public init(expectedEndpoint: String? = nil, limits: BatchLimits = .openAI, maxIssues: Int = 1000, scope: Scope = .batch) {
        self.expectedEndpoint = expectedEndpoint
        self.limits = limits
        self.maxIssues = maxIssues
        self.scope = scope
    }

    /// Checks the next bytes of the file.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        guard !chunk.isEmpty else { return }
        count(bytes: chunk.count)
        let bytes = chunk.bindMemory(to: UInt8.self)
        var start = 0
        while start < bytes.count {
            guard let newline = Self.firstNewline(in: bytes, from: start) else {
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
                return
            }
            if pending.isEmpty {
                check(UnsafeBufferPointer(rebasing: bytes[start..<newline]))
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<newline]))
                checkPending()
            }
            start = newline + 1
        }
    }

    /// Takes the next line of the file, scanned already (maybe on another core): `byteCount` is its
    /// size in the file, its newline included. Lines go in file order; don't mix with `consume`.
    /// Returns whether the line passed every rule.
    @discardableResult
    public mutating func accept(_ line: ScannedRequestLine, byteCount: Int) -> Bool {
        let before = issueCount
        count(bytes: byteCount)
        accept(line)
        return issueCount == before
    }

    /// Counts a line that was refused before it could be scanned (`issue` says why, with its number):
    /// the caller's own rule, such as a job's line too large for any batch.
    public mutating func reject(lineOf byteCount: Int, _ issue: ValidationIssue) {
        count(bytes: byteCount)
        lineNumber += 1
        requestCount += 1
        record(issue)
    }

    /// Records an issue of the caller's own rule about a line already accepted (a job's line over its
    /// model's token budget): the verdict then lists it among the others, in line order.
    public mutating func flag(_ issue: ValidationIssue) {
        record(issue)
    }

    /// The number the next line will have (1-based).
    public var nextLineNumber: Int { lineNumber + 1 }

    private mutating func count(bytes: Int) {
        byteCount += Int64(bytes)
        if byteCount > limits.maxBytes, !tooLargeReported {
            tooLargeReported = true
            record(ValidationIssue(
                code: "file_too_large",
                message: "The input file is larger than \(limits.maxBytes) bytes.",
                param: "input_file_id"
            ))
        }
    }

    /// Checks the next bytes of the file.
    public mutating func consume(_ chunk: [UInt8]) {
        chunk.withUnsafeBytes { consume($0) }
    }

    /// Ends the file (a last line without a newline counts) and returns the verdict.
    public mutating func finish() -> InputValidationReport {
        if !pending.isEmpty { checkPending() }
        if requestCount == 0, issueCount == 0 {
            record(ValidationIssue(code: "empty_file", message: "The input file has no requests.", param: "input_file_id"))
        }
        return InputValidationReport(
            requestCount: requestCount,
            lineCount: lineNumber,
            byteCount: byteCount,
            endpoint: endpoint,
            model: model,
            issues: issues,
            issueCount: issueCount
        )
    }

    /// Checks the line gathered in `pending` and empties it. The buffer is moved out, not copied (a
    /// copy of a 50 MB line doubled its memory), and a buffer grown past 1 MiB for a long line is freed
    /// rather than kept for the short lines after it.
    private mutating func checkPending() {
        var line: [UInt8] = []
        swap(&line, &pending)
        line.withUnsafeBufferPointer { check($0) }
        if line.capacity <= 1 << 20 {
            line.removeAll(keepingCapacity: true)
            pending = line
        }
    }

    // MARK: - One line

    private mutating func check(_ raw: UnsafeBufferPointer<UInt8>) {
        // Past the limit a line is not worth scanning: it is refused whatever it holds.
        if requestCount >= limits.maxRequests, !raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            lineNumber += 1
            requestCount += 1
            reportTooMany()
            return
        }
        accept(ScannedRequestLine(raw))
    }

    private mutating func accept(_ scanned: ScannedRequestLine) {
        lineNumber += 1
        if case .blank = scanned.outcome {
            // A blank line carries no request; the real service rejects it as unparseable JSON.
            record(.invalidJSON(lineNumber, "the line is empty"))
            return
        }
        requestCount += 1
        if requestCount > limits.maxRequests {
            reportTooMany()
            return
        }
        switch scanned.outcome {
        case .malformed(let error):
            record(.invalidJSON(lineNumber, "\(error.reason) at column \(error.column)"))
        case .fields(let fields):
            checkFields(fields)
        case .blank:
            break
        }
    }

    private mutating func reportTooMany() {
        guard !tooManyReported else { return }
        tooManyReported = true
        record(ValidationIssue(
            code: "too_many_tasks",
            message: "The input file has more than \(limits.maxRequests) requests.",
            line: lineNumber
        ))
    }

    /// Applies the Batch API's rules to one line's fields, in the order the real service reports them.
    private mutating func checkFields(_ fields: JSONLineScanner.Fields) {
        checkCustomID(fields.customID)
        checkMethod(fields.method)
        let lineEndpoint = checkURL(fields.url)
        guard checkBody(fields.body) else { return }
        checkModel(fields.model, endpoint: lineEndpoint)
        if fields.streams {
            record(ValidationIssue(
                code: "stream_not_supported",
                message: "body.stream is true; batch requests cannot stream.",
                param: "body.stream", line: lineNumber
            ))
        }
    }

    /// `custom_id`: a non-empty string, unique in the file.
    private mutating func checkCustomID(_ field: JSONLineScanner.Field) {
        let line = lineNumber
        switch field {
        case .string(let id) where !id.isEmpty:
            if !customIDs.insert(id) {
                record(ValidationIssue(
                    code: "duplicate_custom_id",
                    message: "The custom_id '\(Self.clip(id))' appears more than once in the file.",
                    param: "custom_id", line: line
                ))
            }
        case .string:
            record(ValidationIssue(code: "missing_custom_id", message: "custom_id must not be empty.", param: "custom_id", line: line))
        case .absent:
            record(ValidationIssue(code: "missing_custom_id", message: "custom_id is missing.", param: "custom_id", line: line))
        case .other(let kind):
            record(ValidationIssue(code: "invalid_custom_id", message: "custom_id must be a string, found \(kind.rawValue).", param: "custom_id", line: line))
        }
    }

    /// `method`: the string `POST`.
    private mutating func checkMethod(_ field: JSONLineScanner.Field) {
        let line = lineNumber
        switch field {
        case .string("POST"):
            break
        case .string(let method):
            record(ValidationIssue(code: "invalid_method", message: "method must be POST, found '\(Self.clip(method))'.", param: "method", line: line))
        case .absent:
            record(ValidationIssue(code: "invalid_method", message: "method is missing; it must be POST.", param: "method", line: line))
        case .other(let kind):
            record(ValidationIssue(code: "invalid_method", message: "method must be the string POST, found \(kind.rawValue).", param: "method", line: line))
        }
    }

    /// `url`: one of the Batch API's endpoints, the same on every line; returns it when it is accepted.
    private mutating func checkURL(_ field: JSONLineScanner.Field) -> String? {
        let line = lineNumber
        var lineEndpoint: String?
        switch field {
        case .string(let url):
            if !limits.endpoints.contains(url) {
                record(ValidationIssue(
                    code: "invalid_url",
                    message: "url '\(Self.clip(url))' is not a Batch API endpoint; expected one of \(limits.endpoints.sorted().joined(separator: ", ")).",
                    param: "url", line: line
                ))
            } else if let expected = expectedEndpoint ?? endpoint, url != expected {
                record(ValidationIssue(
                    code: "url_mismatch",
                    message: "url '\(url)' differs from the batch's endpoint '\(expected)'; a batch has one endpoint.",
                    param: "url", line: line
                ))
            } else {
                lineEndpoint = url
                if endpoint == nil { endpoint = url }
            }
        case .absent:
            record(ValidationIssue(code: "invalid_url", message: "url is missing.", param: "url", line: line))
        case .other(let kind):
            record(ValidationIssue(code: "invalid_url", message: "url must be a string, found \(kind.rawValue).", param: "url", line: line))
        }
        return lineEndpoint
    }

    /// `body`: an object; false when it is not (the body's own rules are then not checked).
    private mutating func checkBody(_ field: JSONLineScanner.Field) -> Bool {
        let line = lineNumber
        switch field {
        case .other(.object):
            break
        case .absent:
            record(ValidationIssue(code: "missing_body", message: "body is missing.", param: "body", line: line))
            return false
        case .string:
            record(ValidationIssue(code: "invalid_body", message: "body must be a JSON object, found a string.", param: "body", line: line))
            return false
        case .other(let kind):
            record(ValidationIssue(code: "invalid_body", message: "body must be a JSON object, found \(kind.rawValue).", param: "body", line: line))
            return false
        }
        return true
    }

    /// `body.model`: a non-empty string, the same on every line; optional for some endpoints.
    private mutating func checkModel(_ field: JSONLineScanner.Field, endpoint lineEndpoint: String?) {
        let line = lineNumber
        switch field {
        case .string(let name) where !name.isEmpty:
            if scope == .batch, let model, model != name {
                record(ValidationIssue(
                    code: "model_mismatch",
                    message: "body.model '\(Self.clip(name))' differs from '\(Self.clip(model))' of earlier lines; a batch uses one model.",
                    param: "body.model", line: line
                ))
            } else if model == nil {
                model = name
            }
        case .absent where lineEndpoint.map(BatchLimits.endpointsWithOptionalModel.contains) ?? false:
            break
        case .other(let kind):
            record(ValidationIssue(code: "missing_model", message: "body.model must be a string, found \(kind.rawValue).", param: "body.model", line: line))
        default:
            record(ValidationIssue(code: "missing_model", message: "body.model is missing or empty.", param: "body.model", line: line))
        }
    }

    private mutating func record(_ issue: ValidationIssue) {
        issueCount += 1
        if issues.count < maxIssues { issues.append(issue) }
    }

    /// Values quoted in messages are cut short, so a hostile line cannot make a huge error.
    private static func clip(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }

    private static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
