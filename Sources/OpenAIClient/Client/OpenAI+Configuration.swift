extension OpenAI {
    /// Where the API is and how to talk to it. The API key goes only into the `Authorization`
    /// header: `description` never shows it.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The public API.
        public static let defaultBaseURL = "https://api.openai.com/v1"

        /// The API's base URL, paths are appended to it (e.g. `http://127.0.0.1:8100/v1`).
        public var baseURL: String
        /// The API key, sent as `Authorization: Bearer <key>`; `nil` sends no authorization.
        public var apiKey: String?
        /// Sent as `OpenAI-Organization` when set.
        public var organization: String?
        /// Sent as `OpenAI-Project` when set.
        public var project: String?
        /// Sent as `User-Agent`.
        public var userAgent: String
        /// Connect, request and transfer timeouts.
        public var timeouts: Timeouts
        /// Which failures are retried, how often and how long to wait.
        public var retry: RetryPolicy

        /// Creates a configuration.
        public init(
            baseURL: String = Configuration.defaultBaseURL,
            apiKey: String?,
            organization: String? = nil,
            project: String? = nil,
            userAgent: String = "batch-openai/1.0",
            timeouts: Timeouts = Timeouts(),
            retry: RetryPolicy = RetryPolicy()
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.organization = organization
            self.project = project
            self.userAgent = userAgent
            self.timeouts = timeouts
            self.retry = retry
        }

        /// A configuration from `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID` and
        /// `OPENAI_PROJECT_ID` (empty values count as unset).
        public static func fromEnvironment(_ environment: [String: String]) -> Configuration {
            func value(_ name: String) -> String? {
                guard let text = environment[name]?.trimmingSpacesAndNewlines(), !text.isEmpty else { return nil }
                return text
            }
            return Configuration(
                baseURL: value("OPENAI_BASE_URL") ?? defaultBaseURL,
                apiKey: value("OPENAI_API_KEY"),
                organization: value("OPENAI_ORG_ID"),
                project: value("OPENAI_PROJECT_ID")
            )
        }

        /// The configuration with the key masked.
        public var description: String {
            "OpenAI.Configuration(baseURL: \(baseURL), apiKey: \(apiKey == nil ? "none" : "set"), "
                + "organization: \(organization ?? "none"), project: \(project ?? "none"))"
        }
    }
}

extension String {
    func trimmingSpacesAndNewlines() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
