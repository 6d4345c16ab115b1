import HTTPServer
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test func lookupsIgnoreCaseAndKeepOrder() {
        let headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Many": "1", "x-many": "2"]
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers["missing"] == nil)
        #expect(headers.values("X-MANY") == ["1", "2"])
        #expect(headers.contains("x-Many"))
        #expect(!headers.contains("x-Man"))
        #expect(headers.count == 3)
        #expect(headers.map(\.name) == ["Content-Type", "X-Many", "x-many"])
    }

    @Test(arguments: [
        ("keep-alive, Upgrade", "upgrade", true),
        ("keep-alive, Upgrade", "keep-alive", true),
        ("keep-alive,Upgrade", "UPGRADE", true),
        ("  close  ", "close", true),
        ("keep-alive", "keep", false),
        ("closed", "close", false),
        ("", "close", false),
    ] as [(String, String, Bool)])
    func containsToken(value: String, token: String, expected: Bool) {
        let headers: HTTPHeaders = ["Connection": value]
        #expect(headers.containsToken(token, in: "connection") == expected)
    }

    @Test func containsTokenLooksAtEveryField() {
        var headers = HTTPHeaders()
        headers.add(name: "Connection", value: "keep-alive")
        headers.add(name: "connection", value: "Upgrade")
        #expect(headers.containsToken("upgrade", in: "Connection"))
        #expect(!headers.containsToken("upgrade", in: "Upgrade"))
    }

    @Test func replaceOrAddAndRemove() {
        var headers: HTTPHeaders = ["A": "1", "b": "2", "B": "3", "C": "4"]
        headers.replaceOrAdd(name: "B", value: "9")
        #expect(headers == ["A": "1", "B": "9", "C": "4"])
        headers.replaceOrAdd(name: "D", value: "5")
        #expect(headers.map(\.value) == ["1", "9", "4", "5"])
        headers.add(name: "a", value: "again")
        headers.remove(name: "A")
        #expect(headers == ["B": "9", "C": "4", "D": "5"])
        #expect(HTTPHeaders().isEmpty)
    }
}

@Suite("HTTPStatus and HTTPVersion")
struct HTTPStatusTests {
    @Test func standardPhrases() {
        #expect(HTTPStatus.payloadTooLarge.code == 413)
        #expect(HTTPStatus.payloadTooLarge.reasonPhrase == "Content Too Large")
        #expect(HTTPStatus(code: 404) == .notFound)
        #expect(HTTPStatus.continue.description == "100 Continue")
        #expect(HTTPStatus.unprocessableContent.description == "422 Unprocessable Content")
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.code == 431)
        #expect(HTTPStatus.httpVersionNotSupported.reasonPhrase == "HTTP Version Not Supported")
        #expect(HTTPStatus(code: 299).reasonPhrase == "")
        #expect(HTTPStatus(code: 200, reasonPhrase: "Fine").description == "200 Fine")
    }

    @Test func versions() {
        #expect(HTTPVersion.http1_1.description == "HTTP/1.1")
        #expect(HTTPVersion.http1_0 == HTTPVersion(major: 1, minor: 0))
    }
}
