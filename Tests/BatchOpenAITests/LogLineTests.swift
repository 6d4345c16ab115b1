@testable import batch_openai
import Foundation
import Logging
import Testing

/// Issue 11 §7: what a request sent (a `job_name` with a newline, an ESC, a NUL) reaches the log escaped, on one line.
@Suite("log lines")
struct LogLineTests {
    static func line(_ message: String = "batch submitted", metadata: Logger.Metadata = [:]) -> String {
        String(decoding: LogLineFormat.line(
            seconds: 1_796_218_540, milliseconds: 7, level: .info, label: "batch-openai.serve", message: message, metadata: metadata
        ), as: UTF8.self)
    }

    @Test func aRequestValueWithControlCharactersStaysOnOneEscapedLine() {
        let jobName = "demo\ninfo forged: line\u{1B}[31mred\u{0}end"
        let text = Self.line(metadata: ["job_name": .string(jobName), "batch_id": "batch_1"])
        #expect(text.utf8.filter { $0 == 0x0A }.count == 1)
        #expect(text.hasSuffix("\n"))
        #expect(!text.utf8.dropLast().contains { $0 < 0x20 || $0 == 0x7F }, "\(text.debugDescription)")
        #expect(text.contains(#"job_name="demo\ninfo forged: line\u001b[31mred\u0000end""#), "\(text)")
        #expect(text == #"2026-12-02T13:35:40.007Z info batch-openai.serve: batch submitted batch_id=batch_1 job_name="demo\ninfo forged: line\u001b[31mred\u0000end""# + "\n")
    }

    @Test(arguments: [
        ("tab\there", #"tab\there"#),
        ("cr\rlf", #"cr\rlf"#),
        ("back\\slash", #"back\\slash"#),
        ("del\u{7F}", #"del\u007f"#),
        ("csi\u{9B}31m", #"csi\u009b31m"#),
        ("line\u{2028}sep\u{2029}", #"line\u2028sep\u2029"#),
        ("accents é 漢字 🙂 stay", "accents é 漢字 🙂 stay"),
    ])
    func messagesAreEscapedToo(raw: String, escaped: String) {
        let text = Self.line(raw)
        #expect(text.contains(": " + escaped + "\n"), "\(text.debugDescription)")
    }

    @Test func valuesWithSpacesQuotesOrEqualsAreQuotedAndEmptyOnesShown() {
        let text = Self.line("m", metadata: ["a": "x y", "b": #"say "hi""#, "c": "k=v", "d": "", "e": "plain"])
        #expect(text.hasSuffix(#" a="x y" b="say \"hi\"" c="k=v" d="" e=plain"# + "\n"), "\(text)")
    }

    @Test func theHandlerMergesLoggerMetadataAndWritesOneLinePerRecord() throws {
        let file = try LogCapture()
        var logger = Logger(label: "test") { LineLogHandler(label: $0, sink: file.sink) }
        logger[metadataKey: "request_id"] = "r1"
        logger.info("request", metadata: ["path": "/batches/\n/x", "status": "200"])
        logger.debug("not at info")
        logger.warning("second")
        logger.notice("third", metadata: ["request_id": "call wins"])
        file.sink.flush()
        let lines = try file.lines()
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.last?.hasSuffix(#"notice test: third request_id="call wins""#) == true, "\(lines)")
        #expect(lines.first?.hasSuffix(#"info test: request path=/batches/\n/x request_id=r1 status=200"#) == true, "\(lines)")
        #expect(lines[1].hasSuffix("warning test: second request_id=r1"), "\(lines)")
    }
}

/// Issue 11 §22: lines are written by the sink's own thread, and `flush` makes every earlier line reach the file.
@Suite("log sink")
struct LogSinkTests {
    @Test func everyLineFromManyTasksArrivesWholeAfterFlush() async throws {
        let file = try LogCapture()
        let sink = file.sink
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<2_000 { sink.append(Array("task \(task) line \(index) \(String(repeating: "x", count: index % 97))\n".utf8)) }
                }
            }
        }
        sink.flush()
        let lines = try file.lines()
        #expect(lines.count == 16_000)
        for task in 0..<8 {
            let mine = lines.filter { $0.hasPrefix("task \(task) ") }
            #expect(mine.count == 2_000)
            #expect(mine.enumerated().allSatisfy { index, line in line.hasPrefix("task \(task) line \(index) ") })
        }
    }

    @Test func aFlushWithNothingWrittenReturns() throws {
        let file = try LogCapture()
        file.sink.flush(timeout: 1)
        #expect(try file.lines().isEmpty)
    }
}

/// A temporary file that a `LogSink` writes to.
final class LogCapture: @unchecked Sendable {
    // Audited: the descriptor and path are immutable; the file is read only after `flush`.
    let path: String
    let descriptor: Int32
    let sink: LogSink

    init() throws {
        path = NSTemporaryDirectory() + "log-\(UUID().uuidString).log"
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        sink = LogSink(descriptor: descriptor, interval: 0.005)
    }

    func lines() throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}
