import Foundation
import Gzip
import HTTPServer
import TestSupport
import Testing

@Suite("Streaming bodies, files and multipart")
struct ServerStreamingTests {
    @Test func streamsALargeChunkedUploadThroughTheHandler() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
        let header = Array("100000\r\n".utf8)
        for _ in 0..<32 { try await client.send(header + chunk + [13, 10]) }
        try await client.send("0\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.text == "\(32 << 20)")
        try await server.stop()
    }

    @Test func answersWithAFileAndAChunkedStream() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/data.bin"
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        let server = try TestServer.start { router in
            router.add(.get, "/file") { _ in
                var response = Response(body: .file(try FileBody(path: path)))
                response.headers.add(name: "Content-Type", value: "application/octet-stream")
                return response
            }
            router.add(.get, "/stream") { _ in
                Response(body: .stream { writer in
                    for index in 0..<5 { try await writer.write(Array("part \(index)\n".utf8)) }
                })
            }
        }
        let client = try await server.connect()
        let file = try await client.request("GET", "/file")
        #expect(file.header("Content-Length") == "300000")
        #expect(file.body == content)
        let stream = try await client.request("GET", "/stream")
        #expect(stream.header("Transfer-Encoding") == "chunked")
        #expect(stream.text == "part 0\npart 1\npart 2\npart 3\npart 4\n")
        #expect(try await client.request("HEAD", "/file").header("Content-Length") == "300000")
        #expect(try await client.request("GET", "/file").body.count == 300_000)
        try await server.stop()
    }

    @Test func savesMultipartFilePartsToDiskNeverUsingTheClientsName() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let uploads = directory.path
        let saved = SavedUpload()
        let server = try TestServer.start { router in
            router.add(.post, "/upload", maxBodyBytes: 64 << 20) { request in
                let boundary = try #require(request.headers["Content-Type"].flatMap(MultipartParser.boundary(fromContentType:)))
                let form = try await MultipartForm.read(from: request.body, boundary: boundary, temporaryDirectory: uploads)
                let file = try #require(form.file("file"))
                saved.set(path: file.path, bytes: try Array(Data(contentsOf: URL(fileURLWithPath: file.path))), filename: file.filename)
                form.removeFiles()
                return .text("job=\(form.field("job_name") ?? "-") size=\(file.byteCount)")
            }
        }
        let fileBytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) } + Array("\r\n--not-the-boundary\r\n".utf8)
        let boundary = "----boundary7MA4YWxkTrZu0gW"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"job_name\"\r\n\r\ndemo\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += fileBytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let client = try await server.connect()
        let response = try await client.request("POST", "/upload", headers: ["Content-Type: multipart/form-data; boundary=\(boundary)"], body: body)
        #expect(response.text == "job=demo size=\(fileBytes.count)")
        let upload = try #require(saved.value)
        #expect(upload.bytes == fileBytes)
        #expect(upload.filename == "../../etc/passwd")
        #expect(upload.path.hasPrefix(uploads + "/"))
        #expect(!upload.path.contains(".."))
        #expect(!FileManager.default.fileExists(atPath: upload.path))
        try await server.stop()
    }
}

final class SavedUpload: @unchecked Sendable {
    // Audited: set once by the handler, read after the response arrived.
    private(set) var value: (path: String, bytes: [UInt8], filename: String?)?
    func set(path: String, bytes: [UInt8], filename: String?) { value = (path, bytes, filename) }
}

@Suite("gzip")
struct ServerGzipTests {
    static let json = "[" + (0..<400).map { "{\"index\":\($0),\"status\":\"completed\"}" }.joined(separator: ",") + "]"

    static func routes(_ router: inout Router) {
        TestRoutes.standard(&router)
        router.add(.get, "/big.json") { _ in .bytes(Array(json.utf8), contentType: "application/json") }
        router.add(.get, "/small.json") { _ in .bytes(Array("{}".utf8), contentType: "application/json") }
        router.add(.get, "/image") { _ in .bytes([UInt8](repeating: 7, count: 5000), contentType: "image/png") }
    }

    @Test func compressesWhenAcceptedAndWorthIt() async throws {
        let server = try TestServer.start(routes: Self.routes)
        let client = try await server.connect()
        let compressed = try await client.request("GET", "/big.json", headers: ["Accept-Encoding: br;q=1.0, gzip;q=0.8"])
        #expect(compressed.header("Content-Encoding") == "gzip")
        #expect(compressed.header("Vary") == "Accept-Encoding")
        #expect(compressed.body.count < Self.json.utf8.count / 4)
        #expect(try GzipDecompressor.decompress(compressed.body) == Array(Self.json.utf8))

        let plain = try await client.request("GET", "/big.json")
        #expect(plain.header("Content-Encoding") == nil)
        #expect(plain.text == Self.json)
        let refused = try await client.request("GET", "/big.json", headers: ["Accept-Encoding: gzip;q=0, *"])
        #expect(refused.header("Content-Encoding") == nil)
        let small = try await client.request("GET", "/small.json", headers: ["Accept-Encoding: gzip"])
        #expect(small.header("Content-Encoding") == nil)
        let image = try await client.request("GET", "/image", headers: ["Accept-Encoding: gzip"])
        #expect(image.header("Content-Encoding") == nil)
        try await server.stop()
    }

    @Test func decodesGzipRequestBodiesAndRefusesUnknownCodings() async throws {
        let server = try TestServer.start(routes: Self.routes)
        let client = try await server.connect()
        let original = Array(String(repeating: "batch ", count: 1000).utf8)
        let encoded = try GzipCompressor.compress(original)
        let decoded = try await client.request("POST", "/echo", headers: ["Content-Encoding: gzip"], body: encoded)
        #expect(decoded.status == 200)
        #expect(decoded.body == original)

        let corrupt = try await client.request("POST", "/echo", headers: ["Content-Encoding: gzip"], body: Array("not gzip at all".utf8))
        #expect(corrupt.status == 400)

        let other = try await server.connect()
        let brotli = try await other.request("POST", "/echo", headers: ["Content-Encoding: br"], body: [1, 2, 3])
        #expect(brotli.status == 415)
        try await server.stop()
    }

    @Test func refusesAGzipBombPastTheRouteLimit() async throws {
        let server = try TestServer.start(routes: Self.routes)
        let client = try await server.connect()
        let bomb = try GzipCompressor.compress([UInt8](repeating: 0, count: 10 << 20))
        let response = try await client.request("POST", "/echo", headers: ["Content-Encoding: gzip"], body: bomb)
        #expect(response.status == 413)
        try await server.stop()
    }
}
