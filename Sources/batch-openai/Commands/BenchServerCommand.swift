import ArgumentParser
import Glibc
import HTTPServer
import SystemIO

/// `batch-openai bench-server`: the fixed routes `scripts/bench/http.sh` measures against the Hummingbird peer.
/// Hidden from `--help`: it is a measuring instrument, not a feature.
struct BenchServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-server",
        abstract: "Serve the benchmark routes (/healthz, /json, /discard, /upload).",
        shouldDisplay: false
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one.") var port: UInt16 = 8080
    @Option(help: "File whose bytes GET /json answers with.") var jsonFile = "Benchmarks/bench-json.txt"
    @Option(help: "Directory for uploaded files (deleted after each upload; default $TMPDIR, else /tmp).") var uploadDirectory: String?
    @Flag(help: "Log every request (off by default, as in the peer).") var accessLog = false

    func run() async throws {
        let logger = try common.logger(label: "batch-openai.bench")
        // Glibc rather than Foundation: the server itself needs none, and this start-up path is what the
        // benchmark's idle RSS measures (FileManager and NSTemporaryDirectory fault in code pages of their own).
        guard let json = Self.contents(of: jsonFile) else {
            throw ValidationError("\(jsonFile): cannot be read")
        }
        let jsonBody = json.filter { $0 != UInt8(ascii: "\n") }
        var configuration = Server.Configuration(host: host, port: port)
        configuration.accessLog = accessLog
        configuration.maxBodyBytes = 1 << 20
        let uploadLimit = 1 << 30
        let directory = uploadDirectory ?? Self.temporaryDirectory()
        var router = Router()
        router.add(.get, "/healthz") { _ in
            Response.bytes(Array(#"{"status":"ok"}"#.utf8), contentType: "application/json")
        }
        router.add(.get, "/json") { _ in
            Response.bytes(jsonBody, contentType: "application/json")
        }
        router.add(.post, "/discard", maxBodyBytes: uploadLimit) { request in
            var count = 0
            for try await chunk in request.body { count += chunk.count }
            return Response.bytes(Array("{\"bytes\":\(count)}".utf8), contentType: "application/json")
        }
        router.add(.post, "/upload", maxBodyBytes: uploadLimit) { request in
            guard let boundary = request.headers["Content-Type"].flatMap(MultipartParser.boundary(fromContentType:)) else {
                throw HTTPError(.unsupportedMediaType, detail: "Expected multipart/form-data with a boundary.")
            }
            let form = try await MultipartForm.read(from: request.body, boundary: boundary, temporaryDirectory: directory)
            // Deleting 200 MB is cleanup, not receiving: it happens after the answer.
            Task { form.removeFiles() }
            let bytes = form.files.reduce(Int64(0)) { $0 + $1.byteCount }
            return Response.bytes(Array("{\"bytes\":\(bytes)}".utf8), contentType: "application/json")
        }
        let server = Server(configuration: configuration, router: router, logger: logger)
        try server.start()
        if let address = server.localAddress { print("bench-server on http://\(address)") }
        fflush(nil)
        try await server.runUntilSignalled()
    }

    /// The whole file, or nil when it cannot be opened or read.
    private static func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try? SystemCall.readAll(fd, path: path)
    }

    /// `$TMPDIR` with a trailing slash, else `/tmp/`: what `NSTemporaryDirectory()` answers on Linux.
    private static func temporaryDirectory() -> String {
        guard let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty else { return "/tmp/" }
        return value.hasSuffix("/") ? value : value + "/"
    }
}
