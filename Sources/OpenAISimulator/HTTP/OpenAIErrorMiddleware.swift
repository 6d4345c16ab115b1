import HTTPServer
import Logging
import SystemIO

/// Turns every error into OpenAI's envelope `{"error": {"message", "type", "param", "code"}}` (never
/// problem+json), keeping the error's status and header fields, and adds the headers the live API
/// sends on every response (`openai-version`, `openai-processing-ms`; the server adds `x-request-id`).
struct OpenAIErrorMiddleware: Middleware {
    func handle(_ request: Request, next: any HTTPHandler) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next.handle(request)
        } catch let error as APIError {
            response = error.response
        } catch let error as any HTTPResponseError {
            let problem = error.problem
            response = APIError(
                error.status, message: problem.detail ?? problem.title, headers: error.headers
            ).response
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            request.logger.error("unhandled error: \(String(reflecting: error))")
            response = APIError(.internalServerError, message: "The server had an error while processing your request.").response
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.millisecondsRoundedDown
        response.headers.replaceOrAdd(name: "openai-version", value: "2020-10-01")
        response.headers.replaceOrAdd(name: "openai-processing-ms", value: String(milliseconds))
        return response
    }
}
