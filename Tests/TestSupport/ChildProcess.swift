import Foundation

/// A program run by a test: its exit status and what it printed.
package struct ProcessResult: Sendable {
    /// The exit status (or the signal number, when `terminatedBySignal`).
    package var status: Int32
    /// Whether a signal ended it.
    package var terminatedBySignal: Bool
    /// Everything it wrote to stdout.
    package var stdout: String
    /// Everything it wrote to stderr.
    package var stderr: String
}

/// A child process whose output goes to files (never a pipe that could fill up), awaited without blocking a thread.
package final class ChildProcess: @unchecked Sendable {
    // Audited: `process` is configured before `run()` and afterwards only read through Foundation's own locking.
    private let process = Process()
    private let stdoutPath: String
    private let stderrPath: String
    private let exit: AsyncStream<Void>

    /// Starts `executable` with `arguments`, in `directory`, with `environment` added to this process's own.
    package init(
        _ executable: String,
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String] = [:],
        removingEnvironment: [String] = []
    ) throws {
        let base = NSTemporaryDirectory() + "child-\(UUID().uuidString)"
        stdoutPath = base + ".out"
        stderrPath = base + ".err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var merged = ProcessInfo.processInfo.environment
        for key in removingEnvironment { merged[key] = nil }
        merged.merge(environment) { $1 }
        process.environment = merged
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        exit = stream
        process.terminationHandler = { _ in
            continuation.yield()
            continuation.finish()
        }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    /// The process id.
    package var pid: Int32 { process.processIdentifier }

    /// What it has written to stdout so far.
    package var stdoutSoFar: String {
        (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
    }

    /// What it has written to stderr so far.
    package var stderrSoFar: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    /// Sends a signal.
    package func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits until stdout contains `text`, polling; throws after `timeout`.
    package func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let output = try? await waitUntil(timeout: timeout, pollEvery: .milliseconds(20), { stdoutSoFar }, satisfies: { output in
            output.contains(text) || !process.isRunning
        })
        if let output, output.contains(text) { return output }
        throw ChildProcessError.noOutput(text, stdout: stdoutSoFar, stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")
    }

    /// Waits for the process to exit (killing it after `timeout`) and returns what it printed.
    package func result(timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        let timer = Task {
            // A deadline, not a wait for something: the process is killed if it has not exited by then.
            try await Task.sleep(for: timeout)
            process.terminate()
        }
        for await _ in exit {}
        timer.cancel()
        return ProcessResult(
            status: process.terminationStatus,
            terminatedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        )
    }

    /// Runs a program to completion.
    package static func run(
        _ executable: String,
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String] = [:],
        removingEnvironment: [String] = [],
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        let child = try ChildProcess(executable, arguments, directory: directory, environment: environment, removingEnvironment: removingEnvironment)
        return try await child.result(timeout: timeout)
    }

    /// The built `batch-openai` binary, next to the test bundle in the build folder.
    package static var batchOpenAIBinary: String {
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [testBundle, testBundle.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("batch-openai").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return testBundle.appendingPathComponent("batch-openai").path
    }
}

/// Why waiting on a child failed.
package enum ChildProcessError: Error, CustomStringConvertible {
    case noOutput(String, stdout: String, stderr: String)

    package var description: String {
        switch self {
        case .noOutput(let text, let stdout, let stderr):
            return "the process never printed \"\(text)\"; stdout: \(stdout); stderr: \(stderr)"
        }
    }
}
