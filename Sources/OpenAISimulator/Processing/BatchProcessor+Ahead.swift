import BatchCore
import Glibc
import OpenAIClient

/// Pass two of a batch worked out ahead (zero latency, a responder free of side effects): after
/// `InputScan` validated the file, chunks of lines are read again and answered over the cores, the
/// next chunk while this one is written and counted, in input order. A checkpoint comes before each
/// chunk; on a stop, that chunk and the rest are listed as not run, so every line is in one file.
extension BatchProcessor {
    func runAhead(_ id: String, record: BatchRecord, input: MappedFile, scan: InputScan) async throws {
        let (output, errors) = try resultWriters(id)
        let chunks = Self.chunks(of: scan.lines)
        var stopCode: String?
        var unfinished = 0
        var current = try await prepareChunk(chunks.first, scan: scan, input: input, endpoint: record.endpoint)
        for (position, chunk) in chunks.enumerated() {
            // The next chunk is worked out while this one is written and counted.
            let upcoming = position + 1 < chunks.count ? chunks[position + 1] : nil
            async let computed = prepareChunk(upcoming, scan: scan, input: input, endpoint: record.endpoint)
            if stopCode == nil { stopCode = await store.checkpoint(id) }
            if let code = stopCode {
                // This chunk on, no line ran.
                for index in chunk.lowerBound..<scan.lines.count {
                    if code == "batch_cancelled", !configuration.listCancelledRequests { continue }
                    try errors.writeLine(JSONWriter.resultLine(
                        id: Identifiers.batchRequest(), customID: scan.lines[index].customID ?? "line-\(index + 1)", response: nil,
                        error: .init(code: code, message: Self.message(for: code))
                    ))
                    unfinished += 1
                }
                break
            }
            for item in current {
                if item.succeeded { try output.writeLine(item.resultLine) } else { try errors.writeLine(item.resultLine) }
            }
            stopCode = try await store.finishRequests(id, current.map { ($0.succeeded, $0.usage) })
            current = try await computed
        }
        try await finish(id, record: record, output: output, errors: errors, stopCode: stopCode, unfinished: unfinished, mode: .run)
    }

    /// The file's lines cut into chunks of `aheadChunkLines` lines and `aheadChunkBytes` bytes at most
    /// (a chunk has at least one line).
    static func chunks(of lines: [InputScan.Line]) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (index, line) in lines.enumerated() {
            if index > start, index - start >= aheadChunkLines || bytes + line.length > aheadChunkBytes {
                chunks.append(start..<index)
                start = index
                bytes = 0
            }
            bytes += line.length + 1
        }
        if start < lines.count { chunks.append(start..<lines.count) }
        return chunks
    }

    /// Answers a chunk's lines in up to `parts` child
    /// tasks; the results come back in input order. No chunk, no results.
    private func prepareChunk(_ chunk: Range<Int>?, scan: InputScan, input: MappedFile, endpoint: String) async throws -> [Prepared] {
        guard let chunk, !chunk.isEmpty else { return [] }
        let model = scan.report.model
        let size = max(1, (chunk.count + Self.parts - 1) / Self.parts)
        return await withTaskGroup(of: (Int, [Prepared]).self) { group in
            for start in stride(from: chunk.lowerBound, to: chunk.upperBound, by: size) {
                let slice = start..<min(chunk.upperBound, start + size)
                group.addTask {
                    var prepared: [Prepared] = []
                    prepared.reserveCapacity(slice.count)
                    for index in slice {
                        let line = scan.lines[index]
                        let text = UnsafeBufferPointer(rebasing: input.bytes[line.offset..<(line.offset + line.length)])
                        prepared.append(await self.prepared(
                            text, number: index + 1, endpoint: endpoint, customID: line.customID, chat: line.chatMessages, model: model
                        ))
                    }
                    return (start, prepared)
                }
            }
            var pieces: [(start: Int, prepared: [Prepared])] = []
            for await piece in group { pieces.append(piece) }
            return pieces.sorted { $0.start < $1.start }.flatMap(\.prepared)
        }
    }
}
