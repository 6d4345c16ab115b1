import HTTPServer
import Testing

/// `MultipartStream`: the file part's bytes as they arrive, fields wherever they sit, other files dropped.
@Suite("MultipartStream")
struct MultipartStreamTests {
    static let boundary = "b0undary"

    static func part(_ name: String, filename: String? = nil, _ value: String) -> String {
        let disposition = "form-data; name=\"\(name)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "")
        return "--\(boundary)\r\nContent-Disposition: \(disposition)\r\n\r\n\(value)\r\n"
    }

    static func body(_ parts: [String]) -> RequestBody {
        RequestBody.bytes(Array((parts.joined() + "--\(boundary)--\r\n").utf8))
    }

    static func collect(_ chunks: FilePartChunks) async throws -> String {
        var bytes: [UInt8] = []
        for try await chunk in chunks { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func readsFieldsBeforeAndAfterTheFileAndSkipsOtherFiles() async throws {
        let stream = try MultipartStream(body: Self.body([
            Self.part("job_name", "before"),
            Self.part("other", filename: "x.txt", "dropped"),
            Self.part("file", filename: "a.jsonl", "{\"a\":1}\n{\"b\":2}"),
            Self.part("poll_interval", "0.5"),
            Self.part("file", filename: "b.jsonl", "second file, dropped"),
        ]), boundary: Self.boundary)
        let file = try #require(try await stream.nextFile(named: "file"))
        #expect(file.filename == "a.jsonl")
        #expect(stream.fields.map(\.name) == ["job_name"])
        #expect(try await Self.collect(stream.fileChunks()) == "{\"a\":1}\n{\"b\":2}")
        try await stream.readToEnd()
        #expect(stream.fields.map(\.name) == ["job_name", "poll_interval"])
        #expect(stream.fields.map(\.value) == ["before", "0.5"])
    }

    @Test func noFilePartIsNil() async throws {
        let stream = try MultipartStream(body: Self.body([Self.part("job_name", "x")]), boundary: Self.boundary)
        #expect(try await stream.nextFile(named: "file") == nil)
        #expect(stream.fields.map(\.value) == ["x"])
    }

    @Test func aBodyCutInsideTheFileThrows() async throws {
        let cut = RequestBody.bytes(Array(Self.part("file", filename: "a.jsonl", "{\"a\":").dropLast(2).utf8))
        let stream = try MultipartStream(body: cut, boundary: Self.boundary)
        _ = try #require(try await stream.nextFile(named: "file"))
        await #expect(throws: MultipartError.missingClosingDelimiter) { try await Self.collect(stream.fileChunks()) }
    }

    @Test func aFieldOverTheLimitIs413() async throws {
        var limits = MultipartLimits()
        limits.maxFieldBytes = 4
        let stream = try MultipartStream(body: Self.body([Self.part("job_name", "too long")]), boundary: Self.boundary, limits: limits)
        let error = await #expect(throws: MultipartError.self) { try await stream.nextFile(named: "file") }
        #expect(error?.statusCode == 413)
    }
}
