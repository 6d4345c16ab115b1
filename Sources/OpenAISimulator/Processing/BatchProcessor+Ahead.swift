import BatchCore
import JSON
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
            try Task.checkCancellation()  // the simulator is stopping
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
            for run in current {
                if run.lines.allSatisfy(\.succeeded) {
                    try output.writeLines(run.bytes, count: run.lines.count)  // the usual case: one copy
                    continue
                }
                var start = 0
                for line in run.lines {
                    try (line.succeeded ? output : errors).writeLines(run.bytes[start..<line.end], count: 1)
                    start = line.end
                }
            }
            stopCode = try await store.finishRequests(id, current.flatMap(\.lines).map { ($0.succeeded, $0.usage) })
            input.release(Self.bytes(of: chunk, in: scan))
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

    /// Where lines (contiguous in the file) lie in it.
    static func bytes(of lines: Range<Int>, in scan: InputScan) -> Range<Int> {
        guard let first = lines.first, let last = lines.last else { return 0..<0 }
        return scan.lines[first].offset..<(scan.lines[last].offset + scan.lines[last].length)
    }

    /// Answers a chunk's lines in up to `parts` child tasks, a run of lines each; the runs come
    /// back in input order. No chunk, no runs.
    private func prepareChunk(_ chunk: Range<Int>?, scan: InputScan, input: MappedFile, endpoint: String) async throws -> [PreparedRun] {
        guard let chunk, !chunk.isEmpty else { return [] }
        let model = scan.report.model
        let size = max(1, (chunk.count + Self.parts - 1) / Self.parts)
        return await withTaskGroup(of: (Int, PreparedRun).self) { group in
            for start in stride(from: chunk.lowerBound, to: chunk.upperBound, by: size) {
                let slice = start..<min(chunk.upperBound, start + size)
                group.addTask {
                    var run = PreparedRun()
                    run.lines.reserveCapacity(slice.count)
                    var writer = JSONWriter(capacity: slice.count * 1536)
                    for index in slice {
                        let line = scan.lines[index]
                        let text = UnsafeBufferPointer(rebasing: input.bytes[line.offset..<(line.offset + line.length)])
                        let (succeeded, usage) = await self.prepare(
                            text, number: index + 1, endpoint: endpoint, customID: line.customID, chat: line.chatMessages,
                            model: model, promptTokens: line.promptTokens, into: &writer
                        )
                        run.lines.append(.init(end: writer.bytes.count, succeeded: succeeded, usage: usage))
                    }
                    run.bytes = writer.take()
                    return (start, run)
                }
            }
            var runs: [(start: Int, run: PreparedRun)] = []
            for await run in group { runs.append(run) }
            return runs.sorted { $0.start < $1.start }.map(\.run)
        }
    }
}
