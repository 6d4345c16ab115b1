import Logging
import OpenAIClient

/// The backend a command talks to: the libcurl `OpenAI` client configured from Settings
/// (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, from .env or the environment).
struct BackendConnection {
    /// The configuration it was made from.
    let settings: Settings
    /// The Files + Batches API.
    let backend: any BatchBackend
    /// The command's logger (stderr; warnings and worse unless `--log-level` says otherwise).
    let logger: Logger

    /// Connects as the settings say. The public API needs a key, so its absence is reported before any
    /// request; a compatible server (the simulator, a local gateway) may do without one.
    static func make(common: CommonOptions, label: String) throws -> BackendConnection {
        let settings = try common.settings()
        let logger = try common.logger(label: label, defaultLevel: .warning)
        if settings.openAIAPIKey == nil, settings.openAIBaseURL.contains("api.openai.com") {
            throw CommandFailure(
                "OPENAI_API_KEY is not set: put it in ./.env (or --env-file) or the environment;"
                    + " or point OPENAI_BASE_URL at `batch-openai sim`, which takes any key"
            )
        }
        var configuration = OpenAI.Configuration(baseURL: settings.openAIBaseURL, apiKey: settings.openAIAPIKey)
        configuration.organization = settings.openAIOrganization
        configuration.project = settings.openAIProject
        return BackendConnection(settings: settings, backend: OpenAI(configuration: configuration, logger: logger), logger: logger)
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
