import Foundation
@testable import HTTPServer
import Testing
import TestSupport

@Suite struct MultipartFormTests {
    private static let boundary = "XyZ-boundary-123"

    private func stream(_ chunks: [[UInt8]]) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
    }

    private func contents(of directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
    }

    @Test func writesATwentyMegabyteFilePartAndKeepsFieldsInMemory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SeededGenerator(seed: 20)
        let data = generator.bytes(20 << 20) + Array("\r\n--XyZ-boundary-12".utf8) + generator.bytes(1000)
        let body = MultipartBody.make(
            parts: [.field("job_name", "rün ✓"), .file("file", filename: "input.jsonl", contentType: "application/jsonl", data: data), .field("do_parse", "true")]
        )
        let form = try await MultipartForm.read(
            from: stream(body.chunked([65536, 1, 100_003])), boundary: Self.boundary, temporaryDirectory: directory.path
        )
        #expect(form.field("job_name") == "rün ✓")
        #expect(form.field("do_parse") == "true")
        #expect(form.field("missing") == nil)
        let file = try #require(form.file("file"))
        #expect(file.filename == "input.jsonl")
        #expect(file.contentType == "application/jsonl")
        #expect(file.byteCount == Int64(data.count))
        #expect(file.path.hasPrefix(directory.path + "/"))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.path))) == data)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        form.removeFiles()
        #expect(try contents(of: directory.path).isEmpty)
    }

    @Test func clientFilenameIsNeverAPath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = MultipartBody.make(parts: [
            .file("a", filename: "../../etc/passwd", data: Array("root".utf8)),
            .file("b", filename: "/tmp/absolute", data: Array("x".utf8)),
            .file("c", filename: "", data: []),
        ])
        let form = try await MultipartForm.read(from: stream([body]), boundary: Self.boundary, temporaryDirectory: directory.path)
        #expect(form.files.map(\.filename) == ["../../etc/passwd", "/tmp/absolute", ""])
        #expect(Set(form.files.map(\.path)).count == 3)
        for file in form.files {
            #expect(file.path.hasPrefix(directory.path + "/upload-"))
            #expect(!file.path.contains(".."))
        }
        #expect(try contents(of: directory.path).count == 3)
        #expect(form.files.map(\.byteCount) == [4, 1, 0])
        form.removeFiles()
    }

    @Test func deletesItsFilesWhenTheBodyIsMalformed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = MultipartBody.make(
            parts: [.file("a", filename: "a.txt", data: Array(repeating: 1, count: 100_000)), .file("b", filename: "b.txt", data: [2])],
            close: false
        )
        await #expect(throws: MultipartError.missingClosingDelimiter) {
            try await MultipartForm.read(from: stream(body.chunked([4096])), boundary: Self.boundary, temporaryDirectory: directory.path)
        }
        #expect(try contents(of: directory.path).isEmpty)
    }

    @Test func deletesItsFilesWhenTheBodyStreamFails() async throws {
        struct ConnectionLost: Error {}
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = MultipartBody.make(parts: [
            .file("a", filename: "a.txt", data: Array(repeating: 1, count: 10_000)),
            .file("b", filename: "b.txt", data: Array(repeating: 2, count: 10_000)),
        ])
        let chunks = Array(body.prefix(15_000)).chunked([1000])
        let failing = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish(throwing: ConnectionLost())
        }
        await #expect(throws: ConnectionLost.self) {
            try await MultipartForm.read(from: failing, boundary: Self.boundary, temporaryDirectory: directory.path)
        }
        #expect(try contents(of: directory.path).isEmpty)
    }

    @Test func fieldOverTheLimitIsA413AndFilesAreDeleted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var limits = MultipartLimits()
        limits.maxFieldBytes = 1000
        let fits = MultipartBody.make(parts: [.field("a", String(repeating: "x", count: 1000))])
        let form = try await MultipartForm.read(from: stream(fits.chunked([7])), boundary: Self.boundary, temporaryDirectory: directory.path, limits: limits)
        #expect(form.field("a")?.count == 1000)

        let tooLarge = MultipartBody.make(parts: [
            .file("f", filename: "f", data: [1, 2, 3]),
            .field("a", String(repeating: "x", count: 1001)),
        ])
        let error = await #expect(throws: MultipartError.fieldTooLarge) {
            try await MultipartForm.read(from: stream(tooLarge.chunked([7])), boundary: Self.boundary, temporaryDirectory: directory.path, limits: limits)
        }
        #expect(error?.statusCode == 413)
        #expect(try contents(of: directory.path).isEmpty)
    }

    @Test func tooManyPartsIsA413() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var limits = MultipartLimits()
        limits.maxParts = 2
        let body = MultipartBody.make(parts: (0..<3).map { .file("f\($0)", filename: "f", data: [1]) })
        await #expect(throws: MultipartError.tooManyParts) {
            try await MultipartForm.read(from: stream([body]), boundary: Self.boundary, temporaryDirectory: directory.path, limits: limits)
        }
        #expect(try contents(of: directory.path).isEmpty)
    }

    @Test func invalidUTF8FieldIsA400() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = MultipartBody.make(parts: [MultipartBody.Part(headers: ["Content-Disposition: form-data; name=\"a\""], data: [0xC3, 0x28])])
        let error = await #expect(throws: MultipartError.invalidFieldEncoding) {
            try await MultipartForm.read(from: stream([body]), boundary: Self.boundary, temporaryDirectory: directory.path)
        }
        #expect(error?.statusCode == 400)
    }

    @Test func missingDirectoryIsA500() async throws {
        let body = MultipartBody.make(parts: [.file("f", filename: "f", data: [1])])
        let error = await #expect(throws: MultipartError.self) {
            try await MultipartForm.read(from: stream([body]), boundary: Self.boundary, temporaryDirectory: "/nonexistent-\(UUID().uuidString)")
        }
        #expect(error?.statusCode == 500)
        #expect(error?.description.contains("open") == true)
    }
}
