import BatchCore
import Foundation
import OpenAIClient

/// Pass one of a batch worked out ahead: the input file validated on all cores. Each block of lines
/// is scanned in parallel (the line-by-line part of the rules), then accepted in order by one
/// `InputValidator` (the rules across lines), so the verdict is the same as a streaming validation's.
/// What pass two needs of each line is kept: where it is, its `custom_id`, its chat spans, its prompt
/// tokens (counted here, on all cores, once for both the enqueued-token cap and the line's usage).
struct InputScan: Sendable {
    /// One line of the file, as pass two needs it.
    struct Line: Sendable {
        let offset: Int
        let length: Int
        let customID: String?
        let chatMessages: [ChatMessageSpan]?
        let promptTokens: Int
    }

    let report: InputValidationReport
    let errors: [BatchError]
    let lines: [Line]
    /// The prompt tokens of every line.
    let promptTokens: Int

    /// Scans `file` for a batch with `endpoint`, in blocks of `blockSize` bytes over `parts` tasks.
    static func run(
        _ file: MappedFile, endpoint: String, parts: Int, counter: any RequestTokenCounting, blockSize: Int = 4 << 20
    ) async throws -> InputScan {
        var validator = InputValidator(expectedEndpoint: endpoint)
        var lines: [Line] = []
        var promptTokens = 0
        let bytes = file.bytes
        let blocks = file.blocks(of: blockSize)
        var current = await scan(blocks.first, of: file, parts: parts, counter: counter)
        for position in blocks.indices {
            try Task.checkCancellation()
            // The next block is scanned while this one is accepted.
            async let next = scan(position + 1 < blocks.count ? blocks[position + 1] : nil, of: file, parts: parts, counter: counter)
            for piece in current {
                for (scanned, range, tokens) in piece {
                    promptTokens += tokens
                    // A line is followed by its newline unless it ends the file.
                    let byteCount = range.count + (range.upperBound < bytes.count ? 1 : 0)
                    validator.accept(scanned, byteCount: byteCount)
                    // Without a trailing CR, as `LineReader` gives lines.
                    let length = range.count - (range.count > 0 && bytes[range.upperBound - 1] == 0x0D ? 1 : 0)
                    lines.append(Line(
                        offset: range.lowerBound, length: length, customID: scanned.customID, chatMessages: scanned.chatMessages,
                        promptTokens: tokens
                    ))
                }
            }
            file.release(blocks[position])  // read again, if at all, in pass two: no need to keep it mapped
            current = await next
        }
        let report = validator.finish()
        let errors = report.issues.map { BatchError(code: $0.code, message: $0.message, param: $0.param, line: $0.line) }
        return InputScan(report: report, errors: errors, lines: lines, promptTokens: promptTokens)
    }

    /// One line scanned: its fields, where it is, its prompt tokens.
    typealias ScannedLine = (ScannedRequestLine, Range<Int>, Int)

    /// The lines of a block scanned in `parts` pieces of about equal bytes at once; in order.
    private static func scan(
        _ block: Range<Int>?, of file: MappedFile, parts: Int, counter: any RequestTokenCounting
    ) async -> [[ScannedLine]] {
        guard let block else { return [] }
        let pieces = file.split(block, parts: parts)
        return await withTaskGroup(of: (Int, [ScannedLine]).self) { group in
            for (index, piece) in pieces.enumerated() {
                group.addTask {
                    return (index, file.lines(in: piece).map { range in
                        let line = UnsafeBufferPointer(rebasing: file.bytes[range])
                        return (ScannedRequestLine(line), range, counter.tokens(ofLine: UnsafeRawBufferPointer(line)).input)
                    })
                }
            }
            var scanned = [[ScannedLine]](repeating: [], count: pieces.count)
            for await (index, piece) in group { scanned[index] = piece }
            return scanned
        }
    }
}
