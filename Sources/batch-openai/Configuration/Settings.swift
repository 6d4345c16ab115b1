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
    /// What a job's batches are cut under (`BATCH_OPENAI_MAX_BATCH_LINES`, `_MAX_BATCH_BYTES`, `_MAX_JOB_BYTES`,
    /// `_ENQUEUED_TOKENS`): the API's limits unless lowered.
    var jobLimits: JobLimits
    /// How jobs retry and wait (`BATCH_OPENAI_MAX_ATTEMPTS`, `BATCH_OPENAI_QUEUE_TIMEOUT`).
    var jobPolicy: JobRunPolicy
    /// The folder of the BPE vocabularies (`BATCH_OPENAI_TOKENIZER_DIR`): exact token counts; estimates without.
    var tokenizerDirectory: String?
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
        let standard = JobLimits()
        jobLimits = JobLimits(
            maxBatchLines: try integer("BATCH_OPENAI_MAX_BATCH_LINES", default: standard.maxBatchLines, range: JobLimits.apiLines),
            maxBatchBytes: Int64(try integer(
                "BATCH_OPENAI_MAX_BATCH_BYTES", default: Int(standard.maxBatchBytes),
                range: Int(JobLimits.apiBytes.lowerBound)...Int(JobLimits.apiBytes.upperBound)
            )),
            maxJobBytes: Int64(try integer("BATCH_OPENAI_MAX_JOB_BYTES", default: Int(standard.maxJobBytes), range: 1...(1 << 50)))
        )
        tokenizerDirectory = value(TokenizerDirectory.environmentVariable)
        jobPolicy = JobRunPolicy()
        jobPolicy.maxAttempts = try integer("BATCH_OPENAI_MAX_ATTEMPTS", default: jobPolicy.maxAttempts, range: 1...20)
        if let text = value("BATCH_OPENAI_QUEUE_TIMEOUT") {
            guard let seconds = Self.duration(text), seconds > 0 else {
                throw Invalid(description: "BATCH_OPENAI_QUEUE_TIMEOUT=\(text): expected a duration such as 86400, 90m or 24h")
            }
            jobPolicy.queueTimeout = seconds
        }
        if let text = value("BATCH_OPENAI_ENQUEUED_TOKENS") {
            do {
                jobLimits.enqueuedTokens = try EnqueuedTokenBudget(parsing: text)
            } catch {
                throw Invalid(description: "BATCH_OPENAI_ENQUEUED_TOKENS=\(error.description)")
            }
        }
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

    /// Seconds from `86400`, `90s`, `90m` or `24h`; nil when it is none of those.
    static func duration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let unit = text.last, let scale = units[unit], let number = Double(text.dropLast()), number.isFinite { return number * scale }
        guard let number = Double(text), number.isFinite else { return nil }
        return number
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
        BATCH_OPENAI_MAX_BATCH_LINES=\(jobLimits.maxBatchLines)
        BATCH_OPENAI_MAX_BATCH_BYTES=\(jobLimits.maxBatchBytes)
        BATCH_OPENAI_MAX_JOB_BYTES=\(jobLimits.maxJobBytes)
        BATCH_OPENAI_ENQUEUED_TOKENS=\(jobLimits.enqueuedTokens.text.isEmpty ? "(not set)" : jobLimits.enqueuedTokens.text)
        BATCH_OPENAI_TOKENIZER_DIR=\(tokenizerDirectory ?? "(not set: token counts are estimates)")
        BATCH_OPENAI_MAX_ATTEMPTS=\(jobPolicy.maxAttempts)
        BATCH_OPENAI_QUEUE_TIMEOUT=\(Int(jobPolicy.queueTimeout))s
        BATCH_OPENAI_PRICES=\(pricesFile ?? "(not set)")
        """
    }
}
