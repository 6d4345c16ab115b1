import Foundation
import OpenAIClient
#if canImport(Glibc)
import Glibc
#endif

/// How a `Batch` reads for a person: the Go example's fields (id, endpoint, created, status, input file,
/// request counts, output file, window, completed), one per line.
///
/// `decorated` adds the example's emoji and is meant for a terminal; `plain` lines are `name: value`,
/// easy to `grep` and stable for scripts that do not use `--json`.
struct BatchSummary {
    /// Emoji (a terminal) or not (a pipe, a file, a log).
    enum Style {
        case decorated
        case plain

        /// Decorated on a terminal, plain otherwise.
        static var forStandardOutput: Style { Console.stdoutIsTerminal ? .decorated : .plain }
    }

    let style: Style

    /// The detail lines of one batch, indented under a heading.
    func detailLines(_ batch: Batch) -> [String] {
        var lines: [String] = []
        func add(_ emoji: String, _ label: String, _ value: String) {
            switch style {
            case .decorated: lines.append("   \(emoji) \(label): \(value)")
            case .plain: lines.append("  " + (label.lowercased() + ":").padding(toLength: 14, withPad: " ", startingAt: 0) + value)
            }
        }
        add("🆔", "ID", batch.id)
        add("🔗", "Endpoint", batch.endpoint)
        if let model = batch.model { add("🧠", "Model", model) }
        add("🕐", "Created", Self.timestamp(batch.createdAt))
        add("🧐", "Status", batch.status.rawValue)
        add("📥", "Input file", batch.inputFileID)
        add("📊", "Requests", Self.counts(batch))
        if let output = batch.outputFileID { add("📤", "Output file", output) }
        if let errorFile = batch.errorFileID { add("🧾", "Error file", errorFile) }
        add("⏰", "Window", batch.completionWindow)
        for (emoji, label, time) in Self.milestones(batch) { add(emoji, label, Self.timestamp(time)) }
        // The client's idempotency key is bookkeeping, not the user's metadata (`--json` still shows it).
        let metadata = (batch.metadata ?? [:]).filter { $0.key != OpenAI.submissionMetadataKey }
        if !metadata.isEmpty {
            add("🏷️", "Metadata", metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        for error in batch.errors?.data ?? [] {
            add("❗", "Error", Self.describe(error))
        }
        return lines
    }

    /// One numbered entry of `list`, as the Go example prints it: a summary line, then the files and times.
    func listEntry(_ batch: Batch, number: Int) -> [String] {
        let head = String(number).leftPadded(to: 2)
            + ". id=\(batch.id) status=\(batch.status.rawValue) created=\(Self.timestamp(batch.createdAt))"
            + " requests(\(Self.counts(batch, separator: ",")))"
        var lines = [head]
        func add(_ emoji: String, _ label: String, _ value: String) {
            switch style {
            case .decorated: lines.append("     \(emoji) \(label): \(value)")
            case .plain: lines.append("     \(label.lowercased()): \(value)")
            }
        }
        if let output = batch.outputFileID { add("📤", "Output", output) }
        if let errorFile = batch.errorFileID { add("🧾", "Errors", errorFile) }
        add("⏰", "Window", batch.completionWindow)
        // As the Go example: only how it ended, not every step on the way.
        for (emoji, label, time) in Self.milestones(batch) where Self.endings.contains(label) { add(emoji, label, Self.timestamp(time)) }
        if let job = batch.metadata?["job_name"] { add("🏷️", "Job", job) }
        return lines
    }

    /// A heading such as "Batch created." with the style's emoji.
    func heading(_ emoji: String, _ text: String) -> String {
        style == .decorated ? "\(emoji) \(text)" : text
    }

    /// `total=2 ok=1 fail=0` (0s until the server has validated the file).
    static func counts(_ batch: Batch, separator: String = " ") -> String {
        let counts = batch.requestCounts ?? BatchRequestCounts()
        return "total=\(counts.total)\(separator)ok=\(counts.completed)\(separator)fail=\(counts.failed)"
    }

    static let endings: Set<String> = ["Completed", "Failed", "Expired", "Cancelled"]

    /// The lifecycle times after creation that are set, in lifecycle order.
    static func milestones(_ batch: Batch) -> [(String, String, Int)] {
        let all: [(String, String, Int?)] = [
            ("▶️", "In progress", batch.inProgressAt),
            ("📝", "Finalizing", batch.finalizingAt),
            ("✅", "Completed", batch.completedAt),
            ("❌", "Failed", batch.failedAt),
            ("⌛", "Expired", batch.expiredAt),
            ("🛑", "Cancelling", batch.cancellingAt),
            ("🚫", "Cancelled", batch.cancelledAt),
        ]
        return all.compactMap { emoji, label, time in time.map { (emoji, label, $0) } }
    }

    /// A batch-level error as one line: `line 3: invalid_json_line: …`.
    static func describe(_ error: BatchError) -> String {
        (error.line.map { "line \($0): " } ?? "") + (error.code.isEmpty ? "" : error.code + ": ") + error.message
    }

    /// Unix seconds as ISO-8601 UTC, e.g. `2025-01-27T10:30:00Z`.
    static func timestamp(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return String(seconds) }
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)
        )
    }
}

extension String {
    /// The string with spaces in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
