import Logging
import OpenAIClient

/// The backend a command talks to: the libcurl `OpenAI` client configured from Settings
/// (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, from .env or the environment).
struct BackendConnection {
    /// The configuration it was made from.
    let settings: Settings
    /// The Files + Batches API.
    let backend: any BatchBackend
    /// The command's logger (stderr).
    let logger: Logger

    /// Connects as the settings say; a missing key is a failure that says where to put one.
    static func make(common: CommonOptions, label: String) throws -> BackendConnection {
        let settings = try common.settings()
        let logger = try common.logger(label: label)
        guard let key = settings.openAIAPIKey else {
            throw CommandFailure(
                "OPENAI_API_KEY is not set: put it in ./.env (or --env-file) or the environment"
                    + " (any value works against `batch-openai sim`)"
            )
        }
        // The libcurl client arrives from branch `client`; until it is merged here, say so instead of pretending.
        _ = key
        let client: any BatchBackend
        throw CommandFailure("this build has no OpenAI client yet (branch client is not merged into cli)")
        return BackendConnection(settings: settings, backend: client, logger: logger)
    }

    /// Runs one call, turning its error into a message that names `action`, the status, OpenAI's message
    /// and the request id.
    func call<Value>(_ action: String, _ body: (any BatchBackend) async throws -> Value) async throws -> Value {
        do {
            return try await body(backend)
        } catch {
            throw BackendFailure.failure(error, action: action, baseURL: settings.openAIBaseURL)
        }
    }
}
