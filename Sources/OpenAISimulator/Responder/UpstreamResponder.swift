import Foundation
import JSON
import Logging
import OpenAIClient

/// Forwards each request to a real OpenAI-compatible server (vLLM, Ollama, llama.cpp's server, or
/// OpenAI itself), so servers without a Batch API get its semantics: `--upstream http://gpu-box:8000/v1`.
///
/// Requests go through the OpenAI client over libcurl: host names, HTTPS, connection reuse, the
/// client's retries of 429 and 5xx (honouring `Retry-After`), all off the Swift concurrency pool.
/// At most `maxConcurrentRequests` requests are in flight at once, across every batch and
/// synchronous call. The upstream's answer comes back as it was, status included, so an upstream
/// 400 lands in the error file as that 400; an upstream that cannot be reached gives a `502`.
public final class UpstreamResponder: Responder {
    /// The upstream's base URL as given, e.g. `http://127.0.0.1:8000/v1`.
    public let baseURL: String
    private let client: OpenAI
    private let limiter: ConcurrencyLimiter

    /// Creates a responder for `url` (`http[s]://HOST[:PORT][/PATH]`); `apiKey` is sent as a bearer
    /// token; `timeout` bounds each attempt; `retry` says which failures are tried again.
    public init(
        url: String, apiKey: String? = nil, maxConcurrentRequests: Int = 4, timeout: Duration = .seconds(600),
        retry: OpenAI.RetryPolicy = OpenAI.RetryPolicy(maxAttempts: 3), logger: Logger
    ) throws {
        guard let components = URLComponents(string: url), components.scheme == "http" || components.scheme == "https",
              let host = components.host, !host.isEmpty else {
            throw UpstreamError("the upstream URL must be http[s]://HOST[:PORT][/PATH], got \(url)")
        }
        baseURL = url
        client = OpenAI(
            configuration: .init(
                baseURL: url, apiKey: apiKey, userAgent: "batch-openai-sim/1.0",
                timeouts: .init(connect: .seconds(10), request: timeout), retry: retry
            ),
            logger: logger
        )
        limiter = ConcurrencyLimiter(limit: max(1, maxConcurrentRequests))
    }

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
        // The base URL ends in /v1 (as OPENAI_BASE_URL does); the endpoint starts with it.
        let relative = endpoint.hasPrefix("/v1/") ? String(endpoint.dropFirst(3)) : endpoint
        var writer = JSONWriter()
        writer.write(body)
        let (status, answer) = try await client.forward(path: relative, body: writer.bytes)
        guard let json = try? JSONValue(parsing: answer) else {
            throw UpstreamError("status \(status) with a body that is not JSON")
        }
        return ResponderResult(statusCode: status, body: json, usage: Self.usage(of: json))
    }

    /// Token usage from a chat/completions (`prompt_tokens`) or responses (`input_tokens`) body.
    static func usage(of body: JSONValue) -> BatchUsage? {
        guard let usage = body["usage"] else { return nil }
        let input = usage["prompt_tokens"]?.intValue ?? usage["input_tokens"]?.intValue ?? 0
        let output = usage["completion_tokens"]?.intValue ?? usage["output_tokens"]?.intValue ?? 0
        return BatchUsage(inputTokens: input, outputTokens: output, totalTokens: usage["total_tokens"]?.intValue)
    }
}
