import BatchCore
#if canImport(Glibc)
import Glibc
#endif

/// The pass that plans a job, line by line: each line is checked by the Batch API's rules across the whole
/// input (`InputValidator` in job scope: `custom_id`s unique in all of it), its tokens are counted, and it
/// goes to the open part of its model, which is closed and followed by a new one when the line would pass
/// the batch's line, byte or token limit (docs/ARCHITECTURE.md § Jobs). Feed it the input in chunks of any
/// size, then `finish()`.
///
/// Memory is bounded whatever the input's size: one line being gathered across chunks (never more than a
/// batch's byte limit: a longer line is counted, not kept), the hashed `custom_id`s, and at most
/// `maxOpenParts` open parts (an input of more models than that closes the part idle longest early).
/// After the first bad line nothing more is written: the rest is only checked, so every bad line is listed.
/// Blocking (file I/O).
final class InputSplitter {
    /// Open parts at most: each holds a file descriptor and a hash.
    static let maxOpenParts = 32

    private let limits: JobLimits
    private let counter: any RequestTokenCounting
    /// The job's folder (its `parts/` exists), or nil for a dry run.
    private let folder: String?
    private var validator: InputValidator
    private var open: [String?: PartWriter] = [:]
    private var closed: [JobPart] = []
    private var nextIndex = 0
    private var total: Int64 = 0
    /// A line gathered across chunks.
    private var pending: [UInt8] = []
    /// Bytes of a line found longer than a batch: counted, not kept.
    private var oversized: Int?
    /// A bad line was seen: the input will be refused.
    private var failed = false

    /// Prepares a pass under `limits`; parts are written under `folder` (nil: counted only).
    init(limits: JobLimits, counter: any RequestTokenCounting, expectedEndpoint: String?, folder: String?, maxIssues: Int = 1000) {
        self.limits = limits
        self.counter = counter
        self.folder = folder
        // The job's own limits cut the batches; the validator applies the rules of a line and across lines.
        let unbounded = BatchLimits(maxRequests: .max, maxBytes: .max)
        validator = InputValidator(expectedEndpoint: expectedEndpoint, limits: unbounded, maxIssues: maxIssues, scope: .job)
    }

    /// Takes the next bytes of the input; they may be reused once this returns.
    func consume(_ chunk: UnsafeRawBufferPointer) throws(BatchServiceError) {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return }
        total += Int64(chunk.count)
        if total > limits.maxJobBytes {
            throw BatchServiceError(.tooLarge, "The input is larger than \(limits.maxJobBytes) bytes (BATCH_OPENAI_MAX_JOB_BYTES).")
        }
        do throws(WorkspaceError) {
            var start = 0
            while start < chunk.count {
                guard let found = memchr(base + start, 0x0A, chunk.count - start) else {
                    gather(UnsafeRawBufferPointer(rebasing: chunk[start...]))
                    break
                }
                let newline = base.distance(to: UnsafeRawPointer(found))
                if pending.isEmpty, oversized == nil {
                    try line(UnsafeRawBufferPointer(rebasing: chunk[start...newline]), stable: true, fileBytes: newline + 1 - start)
                } else {
                    gather(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
                    try gatheredLine(fileBytes: 1)
                }
                start = newline + 1
            }
            for part in open.values { try part.flush() }
        } catch {
            throw BatchServiceError(error)
        }
    }

    /// Ends the input (a last line without a newline counts, and gets one in its part) and returns the
    /// verdict and the parts in plan order; throws `invalidInput` listing every bad line.
    func finish() throws(BatchServiceError) -> (report: InputValidationReport, parts: [JobPart]) {
        do throws(WorkspaceError) {
            if !pending.isEmpty || oversized != nil { try gatheredLine(fileBytes: 0) }
        } catch {
            throw BatchServiceError(error)
        }
        let report = validator.finish()
        guard report.isValid else {
            let shown = report.issues.prefix(3).map(\.description).joined(separator: "; ")
            let more = report.issueCount > 3 ? " (and \(report.issueCount - 3) more)" : ""
            throw BatchServiceError(
                .invalidInput, "The input is not a valid request file: \(shown)\(more).",
                issues: report.issues, issueCount: report.issueCount
            )
        }
        do throws(WorkspaceError) {
            for part in open.values.sorted(by: { $0.index < $1.index }) { closed.append(try part.close()) }
        } catch {
            throw BatchServiceError(error)
        }
        open = [:]
        return (report, closed.sorted { $0.index < $1.index })
    }

    // MARK: - Lines

    /// Keeps bytes of a line that continues in the next chunk, up to a batch's size.
    private func gather(_ bytes: UnsafeRawBufferPointer) {
        if let counted = oversized {
            oversized = counted + bytes.count
        } else if Int64(pending.count + bytes.count + 1) > limits.maxBatchBytes {
            oversized = pending.count + bytes.count
            pending = []
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    /// Handles the gathered line; `fileBytes` is what its end took in the input (1 for a newline).
    private func gatheredLine(fileBytes: Int) throws(WorkspaceError) {
        if let counted = oversized {
            oversized = nil
            refuseOversized(length: counted, fileBytes: counted + fileBytes)
            return
        }
        var line: [UInt8] = []
        swap(&line, &pending)
        line.append(0x0A)
        var failure: WorkspaceError?
        line.withUnsafeBytes { bytes in
            do throws(WorkspaceError) {
                try self.line(bytes, stable: false, fileBytes: bytes.count - 1 + fileBytes)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        // A buffer grown for a long line is not kept for the short ones after it.
        if line.capacity <= 1 << 20 {
            line.removeAll(keepingCapacity: true)
            pending = line
        }
    }

    /// One line with its newline; `stable` when its bytes stay valid until the chunk's end (then parts
    /// gather them instead of writing at once); `fileBytes` is its size in the input.
    private func line(_ bytes: UnsafeRawBufferPointer, stable: Bool, fileBytes: Int) throws(WorkspaceError) {
        if Int64(bytes.count) > limits.maxBatchBytes {
            refuseOversized(length: bytes.count - 1, fileBytes: fileBytes)
            return
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes.dropLast())
        let number = validator.nextLineNumber
        let scanned = ScannedRequestLine(body.assumingMemoryBound(to: UInt8.self))
        guard validator.accept(scanned, byteCount: fileBytes) else {
            failed = true
            return
        }
        let tokens = counter.tokens(ofLine: body)
        let model = scanned.model
        let tokenLimit = limits.enqueuedTokens.limit(for: model)
        if let tokenLimit, tokens.input > tokenLimit {
            failed = true
            validator.flag(ValidationIssue(
                code: "token_limit_exceeded",
                message: "This request alone has \(tokens.input) input tokens, more than the enqueued-token limit of "
                    + "\(model ?? "its model") (\(tokenLimit), BATCH_OPENAI_ENQUEUED_TOKENS): no batch can hold it.",
                line: number
            ))
            return
        }
        guard !failed else { return }
        var part = open[model]
        if let full = part, !full.fits(bytes: bytes.count, tokens: tokens.input, limits: limits, tokenLimit: tokenLimit) {
            closed.append(try full.close())
            open[model] = nil
            part = nil
        }
        let target: PartWriter
        if let part {
            target = part
        } else {
            target = try openPart(model: model, firstLine: number)
        }
        target.count(line: number, bytes: bytes.count, tokens: tokens)
        if stable {
            try target.add(bytes)
        } else {
            try target.write(bytes)
        }
    }

    private func refuseOversized(length: Int, fileBytes: Int) {
        failed = true
        let number = validator.nextLineNumber
        validator.reject(lineOf: fileBytes, ValidationIssue(
            code: "line_too_large",
            message: "This line is \(length + 1) bytes with its newline, more than a batch may hold "
                + "(\(limits.maxBatchBytes) bytes, BATCH_OPENAI_MAX_BATCH_BYTES); a line is never cut.",
            line: number
        ))
    }

    /// Starts the next part for `model`, closing the part idle longest when too many are open.
    private func openPart(model: String?, firstLine: Int) throws(WorkspaceError) -> PartWriter {
        if open.count >= Self.maxOpenParts, let idle = open.values.min(by: { $0.lastLine < $1.lastLine }) {
            closed.append(try idle.close())
            open[idle.model] = nil
        }
        let part = try PartWriter(index: nextIndex, model: model, firstLine: firstLine, folder: folder)
        nextIndex += 1
        open[model] = part
        return part
    }
}
