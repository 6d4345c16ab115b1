import HTTPServer
import Testing

@Suite("ResponseHeadEncoder")
struct ResponseHeadEncoderTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func encodesStatusLineHeadersAndEmptyLine() {
        let bytes = ResponseHeadEncoder.encode(status: .ok, headers: ["Content-Length": "2", "Content-Type": "text/plain"])
        #expect(Self.text(bytes) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\n")
    }

    @Test func versionsAndUnknownCodes() {
        #expect(Self.text(ResponseHeadEncoder.encode(status: .notFound, headers: [:], version: .http1_0)) == "HTTP/1.0 404 Not Found\r\n\r\n")
        #expect(Self.text(ResponseHeadEncoder.encode(status: HTTPStatus(code: 299), headers: [:])) == "HTTP/1.1 299 \r\n\r\n")
        #expect(Self.text(ResponseHeadEncoder.encode(status: .payloadTooLarge, headers: [:])) == "HTTP/1.1 413 Content Too Large\r\n\r\n")
    }

    @Test func appendsIntoAnExistingBuffer() {
        var bytes = Array("x".utf8)
        ResponseHeadEncoder.encode(status: .noContent, headers: [:], into: &bytes)
        #expect(Self.text(bytes) == "xHTTP/1.1 204 No Content\r\n\r\n")
    }

    @Test func valuesCannotSplitTheResponse() {
        let headers: HTTPHeaders = [
            "X-Injected": "a\r\nSet-Cookie: evil=1",
            "X-Lone": "b\nc\rd\u{0}e",
            "Bad Name": "dropped",
            "X-Bad\r\nSet-Cookie": "dropped",
            "": "dropped",
            "X-Ok": "kept\tas is",
        ]
        let bytes = ResponseHeadEncoder.encode(status: HTTPStatus(code: 200, reasonPhrase: "OK\r\nX-Evil: 1"), headers: headers)
        #expect(
            Self.text(bytes)
                == "HTTP/1.1 200 OK  X-Evil: 1\r\nX-Injected: a  Set-Cookie: evil=1\r\nX-Lone: b c d e\r\nX-Ok: kept\tas is\r\n\r\n"
        )
    }

    @Test func encodedHeadParsesBackAsTheSameFields() throws {
        // The encoder's output is a valid head for our own parser once turned into a request.
        let headers: HTTPHeaders = ["Host": "a", "X-A": "1\r\n2"]
        let response = Self.text(ResponseHeadEncoder.encode(status: .ok, headers: headers))
        let request = "GET / HTTP/1.1\r\n" + response.split(separator: "\r\n", maxSplits: 1)[1]
        let head = try #require(ParserHarness.head(request))
        #expect(head.headers["x-a"] == "1  2")
    }
}

@Suite("HTTPDate")
struct HTTPDateTests {
    @Test(arguments: [
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT"),
    ])
    func formatsIMFFixdate(seconds: Int, expected: String) {
        #expect(HTTPDate.format(secondsSince1970: seconds) == expected)
    }

    @Test func nowHasTheFixedShape() {
        let now = HTTPDate.now()
        #expect(now.utf8.count == 29)
        #expect(now.hasSuffix(" GMT"))
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        #expect(weekdays.contains(String(now.prefix(3))))
        let again = HTTPDate.now()
        #expect(again.utf8.count == 29)
    }
}
