import BatchService

/// The settings of docs/ARCHITECTURE.md § Configuration, read from the merged environment.
struct Settings: Sendable, CustomStringConvertible {
    var openAIAPIKey: String?
    var openAIBaseURL: String
    var openAIOrganization: String?
    var openAIProject: String?
    var host: String
    var port: UInt16
    var token: String?
    var outputsDirectory: String
    var inputsDirectory: String
    var maxUploadBytes: Int
    var maxJSONBytes: Int
    /// The model of an inline spec that names none, for `create` and REST alike.
    var defaultModel: String
    /// `BATCH_OPENAI_PRICES`: a price table replacing the committed one.
    var pricesFile: String?
    /// The prices usage is costed with: `pricesFile`'s table, else the committed one.
    var prices: PriceTable

    /// A malformed value names the variable and what was expected.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(environment: [String: String]) throws {
        func value(_ key: String) -> String? {
            guard let value = environment[key], !value.isEmpty else { return nil }
            return value
        }
        func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = value(key) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw Invalid(description: "\(key)=\(text): expected a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        openAIAPIKey = value("OPENAI_API_KEY")
        openAIBaseURL = value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1"
        openAIOrganization = value("OPENAI_ORG_ID")
        openAIProject = value("OPENAI_PROJECT_ID")
        host = value("BATCH_OPENAI_HOST") ?? "127.0.0.1"
        port = UInt16(try integer("BATCH_OPENAI_PORT", default: 8000, range: 0...65535))
        token = value("BATCH_OPENAI_TOKEN")
        outputsDirectory = value("BATCH_OPENAI_OUTPUTS") ?? "outputs"
        inputsDirectory = value("BATCH_OPENAI_INPUTS") ?? "inputs"
        maxUploadBytes = try integer("BATCH_OPENAI_MAX_UPLOAD_BYTES", default: 256 << 20, range: 1...(1 << 40))
        maxJSONBytes = try integer("BATCH_OPENAI_MAX_JSON_BYTES", default: 1 << 20, range: 1...(1 << 30))
        defaultModel = value("BATCH_OPENAI_MODEL") ?? "gpt-4o-mini"
        pricesFile = value("BATCH_OPENAI_PRICES")
        prices = .standard
        if let pricesFile {
            do {
                prices = try PriceTable.load(path: pricesFile)
            } catch {
                // The error names the file and what is wrong with it: the process stops before serving.
                throw Invalid(description: "BATCH_OPENAI_PRICES=\(error)")
            }
        }
    }

    /// Secrets are shown only as set or not set.
    var description: String {
        func secret(_ value: String?) -> String { value == nil ? "(not set)" : "(set, hidden)" }
        return """
        OPENAI_API_KEY=\(secret(openAIAPIKey))
        OPENAI_BASE_URL=\(openAIBaseURL)
        OPENAI_ORG_ID=\(openAIOrganization ?? "(not set)")
        OPENAI_PROJECT_ID=\(openAIProject ?? "(not set)")
        BATCH_OPENAI_HOST=\(host)
        BATCH_OPENAI_PORT=\(port)
        BATCH_OPENAI_TOKEN=\(secret(token))
        BATCH_OPENAI_OUTPUTS=\(outputsDirectory)
        BATCH_OPENAI_INPUTS=\(inputsDirectory)
        BATCH_OPENAI_MAX_UPLOAD_BYTES=\(maxUploadBytes)
        BATCH_OPENAI_MAX_JSON_BYTES=\(maxJSONBytes)
        BATCH_OPENAI_MODEL=\(defaultModel)
        BATCH_OPENAI_PRICES=\(pricesFile ?? "(not set)")
        """
    }
}
