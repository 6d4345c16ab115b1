import HTTPServer
import Testing

/// Raw bytes in, the status the parser demands out. Each case is a complete request so that only
/// the rule under test can fail.
@Suite("RequestParser: malformed requests")
struct RequestParserMalformedTests {
    static let requestLines: [(String, Int)] = [
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GE@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (" GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
        ("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /\tHTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/11.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.a\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTPS/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /\r\nHost: a\r\n\r\n", 400),
        ("GET\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
        ("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ]

    static let targets: [(String, Int)] = [
        ("GET foo HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET ** HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET ftp://a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("CONNECT example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET ?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a% HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /%C3%28 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /%FF HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /?q=%FF HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /?q=%G1 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /?q%00=1 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a\u{01} HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /é HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ]

    static let headerFields: [(String, Int)] = [
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX\u{0}A: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1B}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{7F}\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a?b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nExpect: foo\r\n\r\n", 417),
        ("GET / HTTP/1.1\r\nHost: a\r\nExpect:\r\n\r\n", 417),
        ("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue, foo\r\n\r\n", 417),
        ("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nExpect: 200-ok\r\n\r\n", 417),
    ]

    static let framing: [(String, Int)] = [
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1.0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    ]

    static let chunkedBodies: [(String, Int)] = [
        ("0x5\r\nhello\r\n0\r\n\r\n", 400),
        ("\r\nhello\r\n0\r\n\r\n", 400),
        ("g\r\n", 400),
        ("-5\r\nhello\r\n0\r\n\r\n", 400),
        ("5\nhello\r\n0\r\n\r\n", 400),
        ("5\r\nhelloX\r\n0\r\n\r\n", 400),
        ("5\r\nhello\n0\r\n\r\n", 400),
        ("5\r\nhello\r\r\n0\r\n\r\n", 400),
        ("5 \r\nhello\r\n0\r\n\r\n", 400),
        ("5;\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a=\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a b\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a=\"x\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a=b c\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a=@\r\nhello\r\n0\r\n\r\n", 400),
        ("5\r\r\nhello\r\n0\r\n\r\n", 400),
        ("00000000000000005\r\nhello\r\n0\r\n\r\n", 400),
        ("FFFFFFFFFFFFFFFF\r\n", 400),
        ("0\r\nX: y\n\r\n", 400),
        ("0\r\n\n", 400),
        ("0\r\nX: y\r\n z\r\n\r\n", 400),
        ("0\r\nX : y\r\n\r\n", 400),
        ("0\r\nX: a\u{0}b\r\n\r\n", 400),
        ("0\r\nNoColon\r\n\r\n", 400),
    ]

    @Test(arguments: requestLines)
    func requestLine(_ raw: String, _ status: Int) {
        #expect(ParserHarness.status(raw) == status)
    }

    @Test(arguments: targets)
    func requestTarget(_ raw: String, _ status: Int) {
        #expect(ParserHarness.status(raw) == status)
    }

    @Test(arguments: headerFields)
    func headerField(_ raw: String, _ status: Int) {
        #expect(ParserHarness.status(raw) == status)
    }

    @Test(arguments: framing)
    func bodyFraming(_ raw: String, _ status: Int) {
        #expect(ParserHarness.status(raw) == status)
    }

    @Test(arguments: chunkedBodies)
    func chunkedBody(_ body: String, _ status: Int) {
        let raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body
        let outcome = ParserHarness.run(raw)
        #expect(outcome.heads.count == 1, "the head itself is fine")
        #expect(outcome.error?.status.code == status)
    }

    @Test func rawNonASCIIBytesInTheTarget() {
        for byte: UInt8 in [0x00, 0x80, 0xC3, 0xFF] {
            let raw = Array("GET /a".utf8) + [byte] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            #expect(ParserHarness.status(raw) == 400)
        }
    }

    @Test func obsTextInValuesIsAccepted() {
        let raw = Array("GET / HTTP/1.1\r\nHost: a\r\nX-A: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8)
        let outcome = ParserHarness.run(raw)
        #expect(outcome.error == nil)
        #expect(outcome.heads.first?.headers["x-a"] == "café")
    }
}
