import Hummingbird
import Logging

#if canImport(Glibc)
import Glibc
#endif

// The benchmark peer for `scripts/bench/http.sh`. Routes and bodies are byte-identical to those of
// `batch-openai bench-server`, so that the two servers do the same work per request:
//   GET  /healthz  -> {"status":"ok"}
//   GET  /json     -> the one-line JSON of Benchmarks/bench-json.txt (the script checks the bytes)
//   POST /discard  -> streams the request body, drops it, answers {"bytes":N}
// No middleware: nothing is logged per request, so logging doesn't skew the figures.

/// The body of `GET /json`; must equal `Benchmarks/bench-json.txt` byte for byte (no newline).
let benchJSON = #"{"batch_id":"batch_6f1c2a9e4b7d4e0c8a3f5d2b1e9c7a60","object":"batch","status":"in_progress","model":"gpt-4o-mini","request_counts":{"total":50000,"completed":31250,"failed":12},"created_at":1795340400,"in_progress_at":1795340460,"expires_at":1795426800,"output_dir":"outputs/batch_6f1c2a9e4b7d4e0c8a3f5d2b1e9c7a60"}"#

let usage = "usage: hummingbird-peer [--host 127.0.0.1] [--port 8081]"

/// Prints `message` and the usage line to stderr and exits with status 64 (EX_USAGE).
func fail(_ message: String) -> Never {
    var text = "hummingbird-peer: \(message)\n\(usage)\n"
    // write(2) on fd 2 rather than Glibc's `stderr`, a global var that Swift 6 rejects.
    _ = text.withUTF8 { write(2, $0.baseAddress, $0.count) }
    exit(64)
}

var host = "127.0.0.1"
var port = 8081
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch flag {
    case "--host":
        guard let value = arguments.popFirst() else { fail("--host needs a value") }
        host = value
    case "--port":
        guard let value = arguments.popFirst(), let number = Int(value), (0...65535).contains(number) else {
            fail("--port needs a number from 0 to 65535")
        }
        port = number
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        fail("unknown argument '\(flag)'")
    }
}

// Bodies are built once; each response only shares the buffer's storage.
let healthzBody = ByteBuffer(string: #"{"status":"ok"}"#)
let jsonBody = ByteBuffer(string: benchJSON)
let jsonHeaders: HTTPFields = [.contentType: "application/json"]

let router = Router()
router.get("/healthz") { _, _ in
    Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: healthzBody))
}
router.get("/json") { _, _ in
    Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: jsonBody))
}
router.post("/discard") { request, _ in
    // Iterating the body streams it chunk by chunk; nothing is collected.
    var count = 0
    for try await chunk in request.body {
        count += chunk.readableBytes
    }
    return Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(string: #"{"bytes":\#(count)}"#)))
}

var logger = Logger(label: "hummingbird-peer")
logger.logLevel = .error

let app = Application(
    router: router,
    configuration: .init(address: .hostname(host, port: port)),
    logger: logger
)
try await app.runService()
