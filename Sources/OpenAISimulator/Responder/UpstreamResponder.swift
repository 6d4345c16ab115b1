import Foundation
import HTTPServer
import OpenAIClient

/// Forwards each request to a real OpenAI-compatible server (vLLM, Ollama, llama.cpp's server) over
/// plain HTTP/1.1, so servers without a Batch API get its semantics: `--upstream http://127.0.0.1:11434/v1`.
///
/// The host must be numeric or `localhost` (no DNS, no TLS: upstreams are local model servers). At
/// most `maxConcurrentRequests` requests are in flight at once, across every batch and synchronous
/// call. A failure to reach the upstream becomes a `502` answer, so the request lands in the error file.
public final class UpstreamResponder: Responder {
    /// The upstream's base URL as given, e.g. `http://127.0.0.1:8000/v1`.
    public let baseURL: String
    private let address: SocketAddress
    private let hostHeader: String
    private let basePath: String
    private let apiKey: String?
    private let timeout: Duration
    private let maxResponseBytes: Int
    private let loop: EventLoop
    private let limiter: ConcurrencyLimiter

    /// Creates a responder for `url` (`http://HOST:PORT[/PATH]`); `apiKey` is sent as a bearer token.
    public init(
        url: String, apiKey: String? = nil, maxConcurrentRequests: Int = 4, timeout: Duration = .seconds(600),
        maxResponseBytes: Int = 64 << 20
    ) throws {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            throw UpstreamError("the upstream URL must be http://HOST:PORT[/PATH], got \(url)")
        }
        let port = UInt16(components.port ?? 80)
        baseURL = url
        address = try SocketAddress(host: host, port: port)
        hostHeader = components.port.map { "\(host):\($0)" } ?? host
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        loop = try EventLoop()
        limiter = ConcurrencyLimiter(limit: max(1, maxConcurrentRequests))
    }

    deinit { loop.shutdown() }

    /// Posts the body to the upstream's endpoint and returns its answer as it came.
    public func respond(endpoint: String, body: JSONValue) async -> ResponderResult {
        await limiter.acquire()
        let result: ResponderResult
        do {
            result = try await forward(endpoint: endpoint, body: body)
        } catch {
            result = .error(502, message: "The upstream \(baseURL) failed: \(error)", type: "server_error", code: "upstream_error")
        }
        await limiter.release()
        return result
    }

    private func forward(endpoint: String, body: JSONValue) async throws -> ResponderResult {
        let relative = endpoint.hasPrefix("/v1/") ? String(endpoint.dropFirst(3)) : endpoint
        var writer = JSONWriter()
        writer.write(body)
        let payload = writer.bytes
        var head = "POST \(basePath)\(relative) HTTP/1.1\r\nHost: \(hostHeader)\r\nContent-Type: application/json\r\n"
        head += "Accept: application/json\r\nContent-Length: \(payload.count)\r\nConnection: close\r\nUser-Agent: batch-openai-sim\r\n"
        if let apiKey { head += "Authorization: Bearer \(apiKey)\r\n" }
        head += "\r\n"
        let deadline = ContinuousClock.now + timeout
        let socket = try await ConnectedSocket.connect(to: address, loop: loop, deadline: deadline)
        defer { socket.close() }
        try await socket.write([Array(head.utf8), payload], deadline: deadline)
        var received: [UInt8] = []
        while true {
            let chunk = try await socket.read(upTo: 1 << 20, deadline: deadline)
            if chunk.isEmpty { break }
            received += chunk
            guard received.count <= maxResponseBytes else { throw UpstreamError("the answer is over \(maxResponseBytes) bytes") }
        }
        let (status, responseBody) = try Self.parse(received)
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(responseBody)) else {
            throw UpstreamError("status \(status) with a body that is not JSON")
        }
        return ResponderResult(statusCode: status, body: json, usage: Self.usage(of: json))
    }

    /// The status and body of a whole HTTP/1.1 response (Content-Length, chunked or close-delimited).
    static func parse(_ bytes: [UInt8]) throws -> (Int, [UInt8]) {
        guard let end = RawSearch.find([13, 10, 13, 10], in: bytes) else { throw UpstreamError("the answer has no complete head") }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw UpstreamError("bad status line") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(body)
        } else if let length = headers["content-length"].flatMap(Int.init), length <= body.count {
            body = Array(body[..<length])
        }
        return (status, body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = RawSearch.find([13, 10], in: Array(bytes[index...])) else { throw UpstreamError("bad chunk") }
            let sizeText = String(decoding: bytes[index..<(index + lineEnd)], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw UpstreamError("bad chunk size") }
            index += lineEnd + 2
            if size == 0 { break }
            guard index + size <= bytes.count else { throw UpstreamError("truncated chunk") }
            result += bytes[index..<(index + size)]
            index += size + 2
        }
        return result
    }

    /// Token usage from a chat/completions (`prompt_tokens`) or responses (`input_tokens`) body.
    static func usage(of body: JSONValue) -> BatchUsage? {
        guard let usage = body["usage"] else { return nil }
        let input = usage["prompt_tokens"]?.intValue ?? usage["input_tokens"]?.intValue ?? 0
        let output = usage["completion_tokens"]?.intValue ?? usage["output_tokens"]?.intValue ?? 0
        return BatchUsage(inputTokens: input, outputTokens: output, totalTokens: usage["total_tokens"]?.intValue)
    }
}
