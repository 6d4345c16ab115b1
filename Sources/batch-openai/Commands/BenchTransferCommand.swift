import ArgumentParser
import Foundation
import OpenAIClient
import SystemIO

/// `batch-openai bench-transfer`: one timed step of `scripts/bench/transfer.sh` (upload, process or
/// download) through our `OpenAI` client, printing `key=value` figures and the process's peak RSS.
/// Hidden from `--help`: it is a measuring instrument, not a feature.
struct BenchTransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-transfer",
        abstract: "Time an upload, a batch's processing or a download through the OpenAI client.",
        shouldDisplay: false
    )

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("The API's base URL.", valueName: "url")) var baseURL = "http://127.0.0.1:8100/v1"
    @Option(help: ArgumentHelp("The API key (default: OPENAI_API_KEY).", valueName: "key")) var apiKey: String?
    @Option(help: ArgumentHelp("Upload this file with purpose=batch.", valueName: "path")) var upload: String?
    @Option(help: ArgumentHelp("Create a batch of this input file and wait until it is terminal.", valueName: "file-id")) var process: String?
    @Option(help: ArgumentHelp("Download this file's content (with --to).", valueName: "file-id")) var download: String?
    @Option(help: ArgumentHelp("Where --download writes.", valueName: "path")) var to: String?
    @Option(help: ArgumentHelp("Seconds between polls while waiting.", valueName: "seconds")) var pollInterval = 0.05

    func run() async throws {
        let logger = try common.logger(label: "batch-openai.bench")
        let key = apiKey ?? ProcessInfo.processInfo.environment["OPENAI_API_KEY"]
        let openai = OpenAI(configuration: OpenAI.Configuration(baseURL: baseURL, apiKey: key), logger: logger)
        // Loading libcurl is not part of a transfer (curl's own timings exclude it too).
        try openai.prepare()
        let clock = ContinuousClock()
        if let upload {
            let started = clock.now
            let file = try await openai.uploadFile(path: upload, filename: (upload as NSString).lastPathComponent, purpose: "batch")
            let elapsed = clock.now - started
            print("file_id=\(file.id)")
            print("bytes=\(file.bytes)")
            print("seconds=\(Self.format(elapsed))")
        } else if let process {
            let started = clock.now
            var batch = try await openai.createBatch(CreateBatchRequest(inputFileID: process, endpoint: "/v1/chat/completions"))
            while !batch.status.isTerminal {
                try await Task.sleep(for: .milliseconds(Int(pollInterval * 1000)))
                batch = try await openai.retrieveBatch(id: batch.id)
            }
            let elapsed = clock.now - started
            print("batch_id=\(batch.id)")
            print("status=\(batch.status)")
            print("completed=\(batch.requestCounts?.completed ?? 0)")
            print("failed=\(batch.requestCounts?.failed ?? 0)")
            print("output_file_id=\(batch.outputFileID ?? "")")
            print("seconds=\(Self.format(elapsed))")
        } else if let download {
            guard let to else { throw ValidationError("--download needs --to PATH") }
            let started = clock.now
            let bytes = try await openai.downloadFileContent(id: download, to: to)
            let elapsed = clock.now - started
            print("bytes=\(bytes)")
            print("seconds=\(Self.format(elapsed))")
        } else {
            throw ValidationError("give --upload PATH, --process FILE_ID or --download FILE_ID --to PATH")
        }
        print("vmhwm_kb=\(Self.peakResidentKilobytes())")
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.4f", duration.inSeconds)
    }

    /// `VmHWM` from /proc/self/status: the most resident memory this process has had.
    static func peakResidentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
