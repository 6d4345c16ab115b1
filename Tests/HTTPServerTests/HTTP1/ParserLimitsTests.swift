import HTTPServer
import Testing

/// Each limit exactly at its boundary (accepted) and one byte over it (rejected).
@Suite("RequestParser: limits")
struct ParserLimitsTests {
    static func limits(_ change: (inout ParserLimits) -> Void) -> ParserLimits {
        var limits = ParserLimits()
        change(&limits)
        return limits
    }

    @Test func defaults() {
        let limits = ParserLimits()
        #expect(limits.maxRequestLineBytes == 8192)
        #expect(limits.maxHeaderLineBytes == 8192)
        #expect(limits.maxHeaderBytes == 32768)
        #expect(limits.maxHeaderCount == 100)
        #expect(limits.maxChunkSizeDigits == 16)
        #expect(limits.maxChunkLineBytes == 4096)
        #expect(limits.maxTrailerBytes == 8192)
    }

    @Test func requestLine() {
        let limits = Self.limits { $0.maxRequestLineBytes = 32 }
        let target = String(repeating: "a", count: 32 - "GET / HTTP/1.1".count)
        let atLimit = "GET /\(target) HTTP/1.1"
        #expect(atLimit.utf8.count == 32)
        #expect(ParserHarness.status(atLimit + "\r\nHost: a\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status("GET /\(target)b HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == 414)
        // Still unfinished when it crosses the limit: rejected before the line ends.
        #expect(ParserHarness.status("GET /\(target)bbbbbbbbbbbbbbbbbb", limits: limits) == 414)
        #expect(ParserHarness.status("GET / HTTP/1.1" + String(repeating: "x", count: 19), limits: limits) == 400)
        #expect(ParserHarness.status(String(repeating: "G", count: 40), limits: limits) == 400)
        // A line of exactly the limit whose CR has arrived but not its LF is not over the limit.
        #expect(ParserHarness.status(atLimit + "\r", limits: limits) == nil)
    }

    @Test func defaultRequestLineLimitGives414ForALongTarget() {
        let target = "/" + String(repeating: "a", count: 9000)
        #expect(ParserHarness.status("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n") == 414)
        #expect(ParserHarness.run("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", pieceSize: 1000).error?.status == .uriTooLong)
    }

    @Test func headerLine() {
        let limits = Self.limits { $0.maxHeaderLineBytes = 20 }
        let atLimit = "X-A: " + String(repeating: "v", count: 15)
        #expect(atLimit.utf8.count == 20)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)v\r\n\r\n", limits: limits) == 431)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)vvvv", limits: limits) == 431)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)\r", limits: limits) == nil)
    }

    @Test func headerSection() {
        let limits = Self.limits { $0.maxHeaderBytes = 30 }
        // "Host: a" is 7 bytes; "X-A: " + 18 is 23; together 30.
        let atLimit = "X-A: " + String(repeating: "v", count: 18)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)v\r\n\r\n", limits: limits) == 431)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(atLimit)\r\nB: 1\r\n\r\n", limits: limits) == 431)
    }

    @Test func headerCount() {
        let limits = Self.limits { $0.maxHeaderCount = 3 }
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == 431)
        let hundred = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(hundred)\r\n") == nil)
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nHost: a\r\n\(hundred)X: y\r\n\r\n") == 431)
    }

    static let chunkedHead = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

    @Test func chunkSizeDigits() {
        let limits = Self.limits { $0.maxChunkSizeDigits = 4 }
        #expect(ParserHarness.status(Self.chunkedHead + "000A\r\n0123456789\r\n0\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status(Self.chunkedHead + "0000A\r\n0123456789\r\n0\r\n\r\n", limits: limits) == 400)
        #expect(ParserHarness.status(Self.chunkedHead + "00000", limits: limits) == 400, "rejected before the line ends")
        #expect(ParserHarness.status(Self.chunkedHead + "0000000000000001\r\nx\r\n0\r\n\r\n") == nil)
        #expect(ParserHarness.status(Self.chunkedHead + "7FFFFFFFFFFFFFFF\r\n") == nil)
    }

    @Test func chunkLine() {
        let limits = Self.limits { $0.maxChunkLineBytes = 10 }
        #expect(ParserHarness.status(Self.chunkedHead + "1;abcdefgh\r\nx\r\n0\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status(Self.chunkedHead + "1;abcdefghi\r\nx\r\n0\r\n\r\n", limits: limits) == 400)
        #expect(ParserHarness.status(Self.chunkedHead + "1;abcdefghijk", limits: limits) == 400)
        #expect(ParserHarness.status(Self.chunkedHead + "1;abcdefgh\r", limits: limits) == nil)
    }

    @Test func trailerSection() {
        let limits = Self.limits { $0.maxTrailerBytes = 10 }
        #expect(ParserHarness.status(Self.chunkedHead + "0\r\nX: 1234567\r\n\r\n", limits: limits) == nil)
        #expect(ParserHarness.status(Self.chunkedHead + "0\r\nX: 12345678\r\n\r\n", limits: limits) == 431)
        #expect(ParserHarness.status(Self.chunkedHead + "0\r\nX: 1234\r\nY: 1\r\n\r\n", limits: limits) == 431)
        #expect(ParserHarness.status(Self.chunkedHead + "0\r\nX: 123456789", limits: limits) == 431)
    }

    @Test func body() {
        let limits = Self.limits { $0.maxBodyBytes = 10 }
        #expect(ParserHarness.status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits) == nil)
        #expect(ParserHarness.status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits) == 413)
        #expect(ParserHarness.status(Self.chunkedHead + "4\r\n0123\r\n6\r\n456789\r\n0\r\n\r\n", limits: limits) == nil)
        let over = ParserHarness.run(Self.chunkedHead + "4\r\n0123\r\n7\r\n", limits: limits)
        #expect(over.error?.status == .payloadTooLarge)
        #expect(over.summary.dropFirst().first == "body 0123")
        // The count starts again for each request.
        let twice = Self.chunkedHead + "A\r\n0123456789\r\n0\r\n\r\n"
        #expect(ParserHarness.status(twice + twice, limits: limits) == nil)
        #expect(ParserLimits().maxBodyBytes == Int64.max)
    }

    @Test func bufferedBytesStayBoundedWhileReadingAHead() {
        let limits = Self.limits {
            $0.maxHeaderLineBytes = 100
            $0.maxHeaderBytes = 300
        }
        var parser = RequestParser(limits: limits)
        parser.append(Array("GET / HTTP/1.1\r\n".utf8))
        var failure: HTTPParseError?
        for _ in 0..<100 {
            parser.append(Array("X: 0123456789\r\n".utf8))
            do {
                _ = try parser.next()
            } catch {
                failure = error
                break
            }
            #expect(parser.bufferedByteCount <= 16 + 300 + 2 * 30)
        }
        #expect(failure?.status == .requestHeaderFieldsTooLarge)
    }
}
