import Foundation

/// Reads `.env` (or the file named by `--env-file`) and merges it under the real environment, which wins.
enum EnvironmentLoader {
    /// A configuration problem to report on stderr with exit code 1.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The merged variables. A missing default `.env` is fine; a missing file named explicitly is an error.
    static func load(envFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: String] {
        let path = envFile ?? ".env"
        guard FileManager.default.fileExists(atPath: path) else {
            if envFile != nil { throw Failure(description: "\(path): no such file (given by --env-file)") }
            return environment
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "\(path): not valid UTF-8")
        }
        var merged = environment
        for (key, value) in try DotEnv.parse(text, file: path, environment: environment) where environment[key] == nil {
            merged[key] = value
        }
        return merged
    }
}
