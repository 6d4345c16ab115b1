import ArgumentParser
import Logging

/// Options every command takes: where configuration comes from and how much to log.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read variables from this file instead of ./.env (real environment variables still win).", valueName: "path"))
    var envFile: String?

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical (default: info for serve and sim, warning for the commands that print results).", valueName: "level"))
    var logLevel: String?

    /// A level that does not exist is a usage error, whether or not the command logs anything.
    func validate() throws {
        _ = try level(default: .info)
    }

    /// The merged environment and the settings read from it; errors name the file and line (exit code 1).
    func settings() throws -> Settings {
        try Settings(environment: EnvironmentLoader.load(envFile: envFile))
    }

    /// A logger writing escaped lines to stderr (`LineLogHandler`, off the caller's path) at the chosen level,
    /// else at `defaultLevel`.
    func logger(label: String, defaultLevel: Logger.Level = .info) throws -> Logger {
        var logger = Logger(label: label) { LineLogHandler(label: $0) }
        logger.logLevel = try level(default: defaultLevel)
        return logger
    }

    /// The chosen level, else `defaultLevel`.
    private func level(default defaultLevel: Logger.Level) throws -> Logger.Level {
        guard let logLevel else { return defaultLevel }
        guard let chosen = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level \(logLevel): expected trace, debug, info, notice, warning, error or critical")
        }
        return chosen
    }
}
