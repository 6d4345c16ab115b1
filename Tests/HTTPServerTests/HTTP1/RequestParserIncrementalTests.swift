import HTTPServer
import Testing

/// Errors surface as soon as the offending line is complete, so a server never waits on a
/// request it will reject; partially scanned heads survive buffer compaction.
@Suite("RequestParser: incremental behaviour")
struct RequestParserIncrementalTests {
    @Test(arguments: [
        ("GET / HTTP/2.0\r\n", 505),
        ("GET  / HTTP/1.1\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400),
        ("GET / HTTP/1.1\r\nX: a\u{0}b\r\n", 400),
        ("GET / HTTP/1.1\r\nX : a\r\n", 400),
        ("GET / HTTP/1.1\r\n folded\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\rX: b\r\n", 400),
    ])
    func errorsDoNotWaitForTheEndOfTheHead(_ raw: String, _ status: Int) {
        #expect(ParserHarness.status(raw) == status)
    }

    @Test func partialHeadSurvivesCompaction() throws {
        let first = "GET /one HTTP/1.1\r\nHost: a\r\nX-Padding: \(String(repeating: "p", count: 200))\r\n\r\n"
        var parser = RequestParser()
        parser.append(Array((first + "GET /two HTTP/1.1\r\nHo").utf8))
        guard case .head(let one) = try parser.next() else {
            Issue.record("expected head")
            return
        }
        #expect(one.path == "/one")
        guard case .end = try parser.next() else {
            Issue.record("expected end")
            return
        }
        #expect(try parser.next() == nil)
        // The consumed prefix is now over half the buffer, so this append compacts it.
        parser.append(Array("st: b\r\nX: y\r\n\r\n".utf8))
        guard case .head(let two) = try parser.next() else {
            Issue.record("expected head")
            return
        }
        #expect(two.path == "/two")
        #expect(two.headers["host"] == "b")
        #expect(two.headers["x"] == "y")
        guard case .end = try parser.next() else {
            Issue.record("expected end")
            return
        }
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func acceptsRawBufferAppends() throws {
        var parser = RequestParser()
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        bytes.withUnsafeBytes { parser.append($0) }
        guard case .head(let head) = try parser.next() else {
            Issue.record("expected head")
            return
        }
        #expect(head.path == "/")
    }

    @Test func largeBodyArrivesInPiecesWithoutBuffering() throws {
        var parser = RequestParser()
        parser.append(Array("PUT /big HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n".utf8))
        guard case .head(let head) = try parser.next() else {
            Issue.record("expected head")
            return
        }
        #expect(head.framing == .contentLength(100_000))
        var received = 0
        let piece = [UInt8](repeating: 0x61, count: 4096)
        while received < 100_000 {
            parser.append(piece.prefix(min(4096, 100_000 - received)))
            while let event = try parser.next() {
                switch event {
                case .body(let bytes): received += bytes.count
                case .end: #expect(received == 100_000)
                case .head: Issue.record("unexpected head")
                }
            }
            #expect(parser.bufferedByteCount == 0)
        }
        #expect(parser.isIdle)
    }
}
