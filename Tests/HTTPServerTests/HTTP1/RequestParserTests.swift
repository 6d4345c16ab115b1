import HTTPServer
import Testing

@Suite("RequestParser: well-formed requests")
struct RequestParserTests {
    @Test func parsesASimpleGet() throws {
        let outcome = ParserHarness.run("GET /hello HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.events.count == 2)
        let head = try #require(outcome.heads.first)
        #expect(head.method == .get)
        #expect(head.target == "/hello")
        #expect(head.path == "/hello")
        #expect(head.pathSegments == ["hello"])
        #expect(head.query == nil)
        #expect(head.queryItems.isEmpty)
        #expect(head.version == .http1_1)
        #expect(head.headers["host"] == "example.com")
        #expect(head.headers["ACCEPT"] == "*/*")
        #expect(head.framing == .none)
        #expect(head.keepAlive)
        #expect(!head.expectsContinue)
        guard case .end(let trailers) = outcome.events[1] else {
            Issue.record("expected .end, got \(outcome.events[1])")
            return
        }
        #expect(trailers.isEmpty)
        #expect(outcome.bufferedByteCount == 0)
    }

    @Test(arguments: HTTPMethod.allCases)
    func parsesEveryKnownMethod(_ method: HTTPMethod) {
        let target = method == .options ? "*" : "/"
        let head = ParserHarness.head("\(method.rawValue) \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head?.method == method)
    }

    /// Issue 11 §9: a method is any token; which ones a path answers is the router's business (405 with
    /// `Allow`), so the parser no longer refuses `QUERY` or `PROPFIND` with 501.
    @Test(arguments: ["QUERY", "PROPFIND", "get", "BREW", "X-CUSTOM.1"])
    func parsesAnyTokenMethod(_ method: String) throws {
        let head = try #require(ParserHarness.head("\(method) /a HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.method.rawValue == method)
        #expect(head.path == "/a")
        #expect(!HTTPMethod.allCases.contains(head.method))
    }

    @Test func optionsAsteriskForm() throws {
        let head = try #require(ParserHarness.head("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.target == "*")
        #expect(head.path == "*")
        #expect(head.pathSegments.isEmpty)
    }

    @Test func valuesAreTrimmedOfOptionalWhitespace() throws {
        let head = try #require(ParserHarness.head("GET / HTTP/1.1\r\nHost:a\r\nX-A: \t spaced out \t \r\nX-B:\r\nX-C: in\tside\r\n\r\n"))
        #expect(head.headers["x-a"] == "spaced out")
        #expect(head.headers["x-b"] == "")
        #expect(head.headers["x-c"] == "in\tside")
        #expect(head.headers.map(\.name) == ["Host", "X-A", "X-B", "X-C"])
    }

    @Test func ignoresLeadingEmptyLines() {
        let outcome = ParserHarness.run("\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.heads.count == 1)
    }

    @Test func acceptsBareLineFeedsInTheHead() throws {
        let head = try #require(ParserHarness.head("GET /x HTTP/1.1\nHost: a\nX: y\n\n"))
        #expect(head.path == "/x")
        #expect(head.headers["x"] == "y")
    }

    @Test func contentLengthBodyIsEmittedAsItArrives() throws {
        var parser = RequestParser()
        parser.append(Array("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123".utf8))
        guard case .head(let head) = try parser.next() else {
            Issue.record("expected head")
            return
        }
        #expect(head.framing == .contentLength(10))
        guard case .body(let first) = try parser.next() else {
            Issue.record("expected body")
            return
        }
        #expect(first == Array("0123".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("456789GET".utf8))
        guard case .body(let second) = try parser.next() else {
            Issue.record("expected body")
            return
        }
        #expect(second == Array("456789".utf8))
        guard case .end = try parser.next() else {
            Issue.record("expected end")
            return
        }
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 3)
        #expect(!parser.isIdle)
    }

    @Test func zeroContentLengthEndsAtOnce() {
        let outcome = ParserHarness.run("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        #expect(outcome.summary.count == 2)
        #expect(outcome.heads.first?.framing == .contentLength(0))
        #expect(outcome.summary.last == "end []")
    }

    @Test func getAndHeadMayCarryABody() {
        for method in ["GET", "HEAD"] {
            let outcome = ParserHarness.run("\(method) / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
            #expect(outcome.error == nil)
            #expect(outcome.summary.dropFirst().elementsEqual(["body abc", "end []"]))
        }
    }

    @Test func identicalContentLengthsCountAsOne() {
        #expect(ParserHarness.head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n")?.framing == .contentLength(5))
        #expect(
            ParserHarness.head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")?.framing
                == .contentLength(5)
        )
        #expect(ParserHarness.head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n")?.framing == .contentLength(7))
        #expect(
            ParserHarness.head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n")?.framing
                == .contentLength(Int64.max)
        )
    }

    @Test(arguments: [
        ("HTTP/1.1", nil, true),
        ("HTTP/1.1", "close", false),
        ("HTTP/1.1", "Close", false),
        ("HTTP/1.1", "keep-alive", true),
        ("HTTP/1.1", "upgrade, close", false),
        ("HTTP/1.0", nil, false),
        ("HTTP/1.0", "keep-alive", true),
        ("HTTP/1.0", "Keep-Alive", true),
        ("HTTP/1.0", "close", false),
        ("HTTP/1.0", "keep-alive, close", false),
    ] as [(String, String?, Bool)])
    func keepAliveRules(version: String, connection: String?, expected: Bool) throws {
        let field = connection.map { "Connection: \($0)\r\n" } ?? ""
        let head = try #require(ParserHarness.head("GET / \(version)\r\nHost: a\r\n\(field)\r\n"))
        #expect(head.keepAlive == expected)
    }

    @Test(arguments: ["", "example.com", "example.com:8080", "127.0.0.1:80", "[::1]:8080", "xn--bcher-kva.example", "a%20b"])
    func acceptsHostValues(_ host: String) throws {
        let head = try #require(ParserHarness.head("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n"))
        #expect(head.headers["host"] == host)
    }

    @Test func http10NeedsNoHost() throws {
        let head = try #require(ParserHarness.head("GET / HTTP/1.0\r\n\r\n"))
        #expect(head.version == .http1_0)
    }

    @Test func laterMinorVersionsAreServedAsHTTP11() throws {
        let head = try #require(ParserHarness.head("GET / HTTP/1.2\r\nHost: a\r\n\r\n"))
        #expect(head.version == HTTPVersion(major: 1, minor: 2))
        #expect(head.keepAlive)
    }

    @Test func expectContinue() throws {
        let head = try #require(
            ParserHarness.head("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")
        )
        #expect(head.expectsContinue)
        let old = try #require(ParserHarness.head("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"))
        #expect(!old.expectsContinue, "HTTP/1.0 must ignore 100-continue")
    }

    @Test func transferEncodingIsCaseInsensitiveAndMayBeSplit() {
        #expect(ParserHarness.head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n")?.framing == .chunked)
        let outcome = ParserHarness.run(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        )
        #expect(outcome.error == nil)
        #expect(outcome.heads.first?.framing == .chunked)
    }

    @Test func percentDecodingOfPathAndQuery() throws {
        let head = try #require(
            ParserHarness.head("GET /files/a%2Fb/c%20d+e/%C3%A9?x=1+2&y=%26&z&=v&empty=&&w=a=b HTTP/1.1\r\nHost: a\r\n\r\n")
        )
        #expect(head.path == "/files/a/b/c d+e/é")
        #expect(head.pathSegments == ["files", "a/b", "c d+e", "é"])
        #expect(head.query == "x=1+2&y=%26&z&=v&empty=&&w=a=b")
        #expect(head.queryItems.map(\.name) == ["x", "y", "z", "", "empty", "w"])
        #expect(head.queryItems.map(\.value) == ["1 2", "&", "", "v", "", "a=b"])
        #expect(head.queryItem("w") == "a=b")
    }

    @Test func emptySegmentsAreDropped() throws {
        let head = try #require(ParserHarness.head("GET //a///b/ HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.path == "//a///b/")
        #expect(head.pathSegments == ["a", "b"])
        let root = try #require(ParserHarness.head("GET /?q HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(root.pathSegments.isEmpty)
        #expect(root.query == "q")
    }

    @Test func fragmentIsNotPartOfPathOrQuery() throws {
        let head = try #require(ParserHarness.head("GET /a?b=1#frag HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.path == "/a")
        #expect(head.query == "b=1")
        let noQuery = try #require(ParserHarness.head("GET /a#x?y HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(noQuery.query == nil)
        #expect(noQuery.path == "/a")
    }

    @Test(arguments: [
        ("http://example.com:8080/p/q?x=1", "/p/q", "x=1"),
        ("HTTPS://EXAMPLE.COM", "/", nil),
        ("http://example.com?x=1", "/", "x=1"),
        ("http://user@example.com/a%20b", "/a b", nil),
    ] as [(String, String, String?)])
    func absoluteFormIsReducedToItsPath(target: String, path: String, query: String?) throws {
        let head = try #require(ParserHarness.head("GET \(target) HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(head.target == target)
        #expect(head.path == path)
        #expect(head.query == query)
    }

    @Test func pipelinedRequestsInOneAppend() {
        let raw =
            "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
            + "POST /three HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"
            + "\r\nGET /four HTTP/1.0\r\n\r\n"
            + "GET /partial HTTP/1.1\r\nHo"
        let outcome = ParserHarness.run(raw)
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.path) == ["/one", "/two", "/three", "/four"])
        let kinds = outcome.summary.map { $0.split(separator: " ")[0] }
        #expect(kinds == ["head", "end", "head", "body", "end", "head", "body", "end", "head", "end"])
        #expect(outcome.summary[3] == "body hello")
        #expect(outcome.summary[6] == "body abc")
        #expect(outcome.summary[7] == "end [\"X-T=1\"]")
        #expect(outcome.bufferedByteCount == "GET /partial HTTP/1.1\r\nHo".utf8.count)
    }

    static let gzipRequest = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip , chunked\r\n\r\n"
    static let happyTraffic = [
        "\r\nGET /a%20b?x=1+2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "PUT /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;ext=\"q\\\"x\"\r\nWiki\r\n5\r\npedia\r\nE ; a ; b = c\r\n in\r\n\r\nchunks.\r\n0\r\nX-Sum: 1\r\nHost: evil\r\n\r\n",
        "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    @Test(arguments: [1, 2, 3, 7, 64])
    func feedingGranularityDoesNotChangeEvents(pieceSize: Int) {
        let happy = Self.happyTraffic.joined()
        let whole = ParserHarness.run(happy)
        #expect(whole.error == nil)
        #expect(whole.heads.count == 4)
        let pieces = ParserHarness.run(happy, pieceSize: pieceSize)
        #expect(pieces.summary == whole.summary)
        #expect(pieces.bufferedByteCount == 0)

        var withFailure = Self.happyTraffic
        withFailure.insert(Self.gzipRequest, at: 2)
        let failing = ParserHarness.run(withFailure.joined(), pieceSize: pieceSize)
        #expect(failing.summary == ParserHarness.run(withFailure.joined()).summary)
        #expect(failing.heads.count == 2)
        #expect(failing.error?.status == .notImplemented)
    }

    @Test func errorsAreSticky() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/2.0\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        do {
            _ = try parser.next()
            Issue.record("expected the error again")
        } catch {
            #expect(error.status == .httpVersionNotSupported)
            #expect(error.description.hasPrefix("505 HTTP Version Not Supported: "))
        }
    }

    @Test func idleAndBufferedAccounting() throws {
        var parser = RequestParser()
        #expect(parser.isIdle)
        parser.append(Array("GET / HTTP/1.1\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.isIdle)
        #expect(parser.bufferedByteCount == 16)
        parser.append(Array("Host: a\r\n\r\n".utf8))
        #expect(try parser.next() != nil)
        #expect(try parser.next() != nil)
        #expect(parser.isIdle)
        #expect(parser.bufferedByteCount == 0)
    }
}
