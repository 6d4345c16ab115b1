import TestSupport
@testable import HTTPServer
import Testing

@Suite struct MultipartParserTests {
    private static let boundary = "XyZ-boundary-123"

    /// Data that contains everything that looks almost like a delimiter.
    private static let trickyData: [UInt8] = Array(
        ("\r\n--XyZ-boundary-12\r\n--XyZ-boundary-12X--XyZ-boundary-1".utf8)
    ) + Array("\r\r\n--XyZ\r\n-\r\n--\r\n\r\n--XyZ-boundary-12".utf8)
        + Array("--XyZ-boundary-123 not at line start\r\n".utf8) + [0x0D]

    private static func sampleBody() -> [UInt8] {
        var generator = SeededGenerator(seed: 1)
        return MultipartBody.make(
            parts: [
                .field("job_name", "nightly run"),
                .file("file", filename: "input.jsonl", contentType: "application/jsonl", data: generator.bytes(5000) + trickyData),
                .field("empty", ""),
                .file("second", filename: "b.bin", data: trickyData + Array("\r\n".utf8)),
            ],
            preamble: "This is the preamble.\r\nIt is ignored.\r\n",
            epilogue: "This is the epilogue. --XyZ-boundary-123\r\n"
        )
    }

    private static func expectedSample() -> ParseResult {
        var generator = SeededGenerator(seed: 1)
        return ParseResult(
            parts: [
                ParsedPart(name: "job_name", filename: nil, contentType: nil, data: Array("nightly run".utf8)),
                ParsedPart(name: "file", filename: "input.jsonl", contentType: "application/jsonl", data: generator.bytes(5000) + trickyData),
                ParsedPart(name: "empty", filename: nil, contentType: nil, data: []),
                ParsedPart(name: "second", filename: "b.bin", contentType: "application/octet-stream", data: trickyData + Array("\r\n".utf8)),
            ],
            ended: true
        )
    }

    @Test func parsesAWholeBodyInOneFeed() throws {
        let result = try ParseResult.parse([Self.sampleBody()])
        #expect(result == Self.expectedSample())
    }

    @Test func byteAtATimeGivesTheSameResult() throws {
        let result = try ParseResult.parse(Self.sampleBody().chunked([1]))
        #expect(result == Self.expectedSample())
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomSplitsGiveTheSameResult(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let sizes = (0..<64).map { _ in Int.random(in: 1...200, using: &generator) }
        let result = try ParseResult.parse(Self.sampleBody().chunked(sizes))
        #expect(result == Self.expectedSample())
    }

    @Test func everySplitPositionGivesTheSameResult() throws {
        let body = MultipartBody.make(
            parts: [.field("a", "x\r\n--XyZ"), .file("f", filename: "f.txt", data: Array("data\r\n--XyZ-boundary-12".utf8))],
            preamble: "pre\r\n", epilogue: "post"
        )
        let expected = try ParseResult.parse([body])
        #expect(expected.parts.count == 2)
        for split in 0...body.count {
            let result = try ParseResult.parse([Array(body[..<split]), Array(body[split...])])
            #expect(result == expected, "split at \(split)")
        }
        // And three pieces with the middle one inside the second delimiter.
        for first in stride(from: 0, through: body.count, by: 7) {
            for second in first...min(body.count, first + 80) {
                let result = try ParseResult.parse([Array(body[..<first]), Array(body[first..<second]), Array(body[second...])])
                #expect(result == expected, "splits at \(first), \(second)")
            }
        }
    }

    @Test func emitsBodyDataAsItComes() throws {
        var parser = try MultipartParser(boundary: Self.boundary)
        let head = Array("--XyZ-boundary-123\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n".utf8)
        var events = try parser.feed(head + Array("hello world\r\n--XyZ".utf8))
        guard events.count == 2, case .partBegin = events[0], case .partData(let data) = events[1] else {
            Issue.record("unexpected events \(events)")
            return
        }
        // Only the possible delimiter start is held back.
        #expect(Array(data) == Array("hello world".utf8))
        events = try parser.feed(Array("-nope".utf8))
        guard events.count == 2, case .partData(let heldBack) = events[0], case .partData(let rest) = events[1] else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(Array(heldBack + rest) == Array("\r\n--XyZ-nope".utf8))
        events = try parser.feed(Array("\r\n--XyZ-boundary-123--".utf8))
        #expect(events.count == 2)
        try parser.finish()
    }

    @Test func largeChunksProduceFewDataEvents() throws {
        var generator = SeededGenerator(seed: 9)
        let body = MultipartBody.make(parts: [.file("f", filename: "big", data: generator.bytes(1 << 20))])
        let result = try ParseResult.parse(body.chunked([256 * 1024]))
        #expect(result.parts[0].data.count == 1 << 20)
        #expect(result.dataEventCount <= 6)
    }

    @Test func acceptsTransportPaddingAndADelimiterAtTheVeryStart() throws {
        let body = Array("--XyZ-boundary-123 \t\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ-boundary-123--".utf8)
        let result = try ParseResult.parse([body])
        #expect(result.parts == [ParsedPart(name: "a", filename: nil, contentType: nil, data: [UInt8(ascii: "v")])])
    }

    @Test func missingClosingDelimiterIsA400OnFinish() throws {
        let body = MultipartBody.make(parts: [.field("a", "b")], close: false)
        #expect(throws: MultipartError.missingClosingDelimiter) { try ParseResult.parse([body]) }
        #expect(throws: MultipartError.missingClosingDelimiter) { try ParseResult.parse([]) }
        #expect(throws: MultipartError.missingClosingDelimiter) { try ParseResult.parse([Array("no delimiter at all".utf8)]) }
        #expect(MultipartError.missingClosingDelimiter.statusCode == 400)
    }

    @Test func tooManyPartsIsA413() throws {
        var limits = MultipartLimits()
        limits.maxParts = 3
        let three = MultipartBody.make(parts: (0..<3).map { .field("f\($0)", "v") })
        #expect(try ParseResult.parse([three], limits: limits).parts.count == 3)
        let four = MultipartBody.make(parts: (0..<4).map { .field("f\($0)", "v") })
        let error = #expect(throws: MultipartError.tooManyParts) { try ParseResult.parse(four.chunked([5]), limits: limits) }
        #expect(error?.statusCode == 413)
    }

    @Test func oversizedHeaderBlockIsA400() throws {
        var limits = MultipartLimits()
        limits.maxPartHeaderBytes = 200
        let long = MultipartBody.Part(
            headers: ["Content-Disposition: form-data; name=\"a\"", "X-Filler: " + String(repeating: "x", count: 300)],
            data: []
        )
        for chunks in [[MultipartBody.make(parts: [long])], MultipartBody.make(parts: [long]).chunked([1])] {
            let error = #expect(throws: MultipartError.partHeadersTooLarge) { try ParseResult.parse(chunks, limits: limits) }
            #expect(error?.statusCode == 400)
        }
        // A header block that never ends is stopped at the limit, not buffered.
        var parser = try MultipartParser(boundary: Self.boundary, limits: limits)
        _ = try parser.feed(Array("--XyZ-boundary-123\r\nX: ".utf8))
        #expect(throws: MultipartError.partHeadersTooLarge) {
            for _ in 0..<100 { _ = try parser.feed([UInt8](repeating: UInt8(ascii: "y"), count: 10)) }
        }
    }

    @Test(arguments: [
        "--XyZ-boundary-123x\r\n",  // boundary followed by other characters
        "--XyZ-boundary-123 \rx",
        "--XyZ-boundary-123\r\nno colon here\r\n\r\n",
        "--XyZ-boundary-123\r\nContent-Type: text/plain\r\n\r\n",  // no Content-Disposition
        "--XyZ-boundary-123\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n",
        "--XyZ-boundary-123\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n",  // no name
    ])
    func malformedBodiesAre400(text: String) throws {
        do {
            _ = try ParseResult.parse([Array(text.utf8)], finish: false)
            Issue.record("accepted \(text.debugDescription)")
        } catch let error as MultipartError {
            #expect(error.statusCode == 400)
        }
    }

    @Test(arguments: [
        ("form-data; name=\"file\"; filename=\"a \\\"quoted\\\" name.txt\"", "a \"quoted\" name.txt"),
        ("form-data; name=\"file\"; filename=\"C:\\\\dir\\\\a.txt\"", "C:\\dir\\a.txt"),
        ("form-data; name=\"file\"; filename=\"C:\\dir\\a.txt\"", "C:\\dir\\a.txt"),
        ("form-data; name=file; filename=plain.txt", "plain.txt"),
        ("form-data; name=\"file\"; filename=\"semi;colon.txt\"", "semi;colon.txt"),
        ("form-data; name=\"file\"; filename=\"fallback.txt\"; filename*=UTF-8''%e2%82%ac%20rates.txt", "€ rates.txt"),
        ("form-data; name=\"file\"; filename*=utf-8'en'na%C3%AFve.txt; filename=\"naive.txt\"", "naïve.txt"),
        ("form-data; name=\"file\"; filename*=iso-8859-1''caf%E9.txt", "café.txt"),
        ("form-data; name=\"file\"; filename=\"kept.txt\"; filename*=UTF-8''bad%zz", "kept.txt"),
        ("Form-Data; NAME=\"file\"; FILENAME=\"ünïcödé.txt\"", "ünïcödé.txt"),
    ])
    func readsFilenames(disposition: String, filename: String) throws {
        let body = MultipartBody.make(parts: [MultipartBody.Part(headers: ["Content-Disposition: \(disposition)"], data: [1, 2, 3])])
        let result = try ParseResult.parse([body])
        #expect(result.parts.first?.name == "file")
        #expect(result.parts.first?.filename == filename)
    }

    @Test func keepsAllPartHeaderFields() throws {
        var parser = try MultipartParser(boundary: "b")
        let events = try parser.feed(Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Custom:  value \r\n folded\r\n\r\n\r\n--b--".utf8))
        guard case .partBegin(let headers) = events.first else {
            Issue.record("no partBegin")
            return
        }
        #expect(headers.fields.map(\.name) == ["Content-Disposition", "X-Custom"])
        #expect(headers.field("x-custom") == "value folded")
        #expect(headers.contentType == nil)
    }

    @Test(arguments: [
        ("multipart/form-data; boundary=abc", "abc"),
        ("multipart/form-data; boundary=\"a b:c\"", "a b:c"),
        ("Multipart/Form-Data;charset=utf-8;BOUNDARY=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW"),
        ("multipart/mixed; boundary=\"quoted\"; other=1", "quoted"),
    ])
    func readsTheBoundaryFromContentType(value: String, boundary: String) {
        #expect(MultipartParser.boundary(fromContentType: value) == boundary)
    }

    @Test(arguments: ["text/plain; boundary=abc", "multipart/form-data", "multipart/form-data; boundary=\"\"", ""])
    func noBoundaryInContentType(value: String) {
        #expect(MultipartParser.boundary(fromContentType: value) == nil)
    }

    @Test(arguments: ["", String(repeating: "a", count: 71), "ends with space ", "bad\r\n", "semi;colon", "quote\"", "ünï"])
    func rejectsInvalidBoundaries(boundary: String) {
        #expect(throws: MultipartError.invalidBoundary) { try MultipartParser(boundary: boundary) }
    }

    @Test func acceptsTheLongestBoundary() throws {
        let boundary = String(repeating: "'()+_,-./:=? ", count: 5) + "abcde"
        #expect(boundary.count == 70)
        let body = MultipartBody.make(boundary: boundary, parts: [.field("a", "b")])
        let result = try ParseResult.parse(body.chunked([3]), boundary: boundary)
        #expect(result.parts.first?.data == [UInt8(ascii: "b")])
    }

    @Test func parsesALargeFilePartInBigChunks() throws {
        // Speed is measured by scripts/bench/http.sh, not asserted here; this checks a 64 MiB part arrives whole.
        var generator = SeededGenerator(seed: 5)
        let data = generator.bytes(64 << 20)
        let body = MultipartBody.make(parts: [.file("f", filename: "big", data: data)])
        var parser = try MultipartParser(boundary: Self.boundary)
        var received: [UInt8] = []
        received.reserveCapacity(data.count)
        for chunk in body.chunked([256 * 1024]) {
            for event in try parser.feed(chunk) {
                if case .partData(let bytes) = event { received += bytes }
            }
        }
        try parser.finish()
        #expect(received == data)
    }
}
