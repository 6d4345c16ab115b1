import HTTPServer
import Testing

@Suite("RequestParser: chunked bodies")
struct RequestParserChunkedTests {
    static let head = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

    @Test func extensionsAreSkippedAndTrailersKept() throws {
        let body =
            "5;name=value;q=\"a \\\" b\" ; flag\r\nhello\r\n"
            + "6 ; x = y\r\n world\r\n"
            + "a\r\n, chunked.\r\n"
            + "0;last\r\nX-Checksum:  abc \r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nHost: evil\r\nX-Other: 1\r\n\r\n"
        let outcome = ParserHarness.run(Self.head + body)
        #expect(outcome.error == nil)
        #expect(outcome.heads.first?.framing == .chunked)
        #expect(outcome.summary.dropFirst().elementsEqual(["body hello world, chunked.", "end [\"X-Checksum=abc\", \"X-Other=1\"]"]))
        #expect(outcome.bufferedByteCount == 0)
    }

    @Test func bodyBytesComeAsTheyArriveWithoutWaitingForTheChunk() throws {
        var parser = RequestParser()
        parser.append(Array((Self.head + "10\r\nabc").utf8))
        guard case .head = try parser.next() else {
            Issue.record("expected head")
            return
        }
        guard case .body(let first) = try parser.next() else {
            Issue.record("expected body")
            return
        }
        #expect(first == Array("abc".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("defghijklmnop\r".utf8))
        guard case .body(let second) = try parser.next() else {
            Issue.record("expected body")
            return
        }
        #expect(second == Array("defghijklmnop".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("\n0\r\n".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("\r\n".utf8))
        guard case .end(let trailers) = try parser.next() else {
            Issue.record("expected end")
            return
        }
        #expect(trailers.isEmpty)
        #expect(parser.isIdle)
    }

    @Test func emptyChunkedBodyAndUppercaseHex() {
        #expect(ParserHarness.run(Self.head + "0\r\n\r\n").summary.dropFirst().elementsEqual(["end []"]))
        let outcome = ParserHarness.run(Self.head + "A\r\n0123456789\r\n0\r\n\r\n")
        #expect(outcome.summary.dropFirst().elementsEqual(["body 0123456789", "end []"]))
    }

    @Test(arguments: [1, 2, 5])
    func byteAtATimeMatchesWhole(pieceSize: Int) {
        let raw =
            Self.head + "3;a=\"\\\\\"\r\nabc\r\n1\r\nd\r\n0\r\nT: 1\r\nT: 2\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let whole = ParserHarness.run(raw)
        #expect(whole.error == nil)
        #expect(whole.heads.count == 2)
        #expect(ParserHarness.run(raw, pieceSize: pieceSize).summary == whole.summary)
    }
}
