import BatchService
import OpenAIClient

/// The live view of a batch while `run` waits: on a terminal one line redrawn in place with a bar
/// (`⏳ in_progress [██████░░░░] 12/40 ok=11 fail=1 0:42`); elsewhere a plain line each time the status
/// or the counts change, so a log gets the story without a line per poll.
final class ProgressDisplay {
    private let toStandardError: Bool
    private let interactive: Bool
    private var lastPlain: String?
    private var drawn = false

    /// Progress goes to stderr when stdout is reserved for `--json`; the bar only when that stream is a terminal.
    init(toStandardError: Bool) {
        self.toStandardError = toStandardError
        interactive = toStandardError ? Console.stderrIsTerminal : Console.stdoutIsTerminal
    }

    /// Shows the batch as last fetched, `elapsed` seconds after it was created here.
    func update(_ batch: Batch, elapsed: Double) {
        let counts = batch.requestCounts ?? BatchRequestCounts()
        let done = counts.completed + counts.failed
        if interactive {
            let bar = Self.bar(done: done, total: counts.total, width: 28)
            let tally = counts.total > 0 ? " \(done)/\(counts.total) ok=\(counts.completed) fail=\(counts.failed)" : ""
            let icon = batch.status == .completed ? "✅" : batch.status.isTerminal ? "❌" : "⏳"
            let line = "\(icon) \(batch.status.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) [\(bar)]\(tally) \(Self.clock(elapsed))"
            Console.write("\r\u{1B}[2K" + line, toStandardError: toStandardError)
            drawn = true
        } else {
            let tally = counts.total > 0
                ? ": \(done)/\(counts.total) done (ok=\(counts.completed), fail=\(counts.failed))" : ""
            let state = "\(batch.id) \(batch.status.rawValue)\(tally)"
            guard state != lastPlain else { return }
            lastPlain = state
            emit("[\(Self.clock(elapsed))] \(state)")
        }
    }

    /// Shows a job: every batch's requests added up, and how many batches ended.
    func update(job: JobProgress, elapsed: Double) {
        let totals = job.totals
        let done = totals.succeeded + totals.failed + totals.missing
        let ended = job.batches.filter(\.state.isSettled).count
        let batches = "\(ended)/\(job.batches.count) batches"
        if interactive {
            let bar = Self.bar(done: done, total: totals.requests, width: 28)
            let icon = job.job.phase == .completed ? "✅" : job.job.phase.isTerminal ? "❌" : "⏳"
            let line = "\(icon) \(job.job.phase.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) [\(bar)] "
                + "\(done)/\(totals.requests) ok=\(totals.succeeded) fail=\(totals.failed) \(batches) \(Self.clock(elapsed))"
            Console.write("\r\u{1B}[2K" + line, toStandardError: toStandardError)
            drawn = true
        } else {
            let state = "\(job.job.jobID) \(job.job.phase.rawValue): \(done)/\(totals.requests) done (ok=\(totals.succeeded), "
                + "fail=\(totals.failed), missing=\(totals.missing)), \(batches)"
            guard state != lastPlain else { return }
            lastPlain = state
            emit("[\(Self.clock(elapsed))] \(state)")
        }
    }

    /// Prints a line of its own, ending the redrawn bar first.
    func note(_ line: String) {
        finish()
        emit(line)
    }

    /// Ends the redrawn line so what follows starts on a fresh one.
    func finish() {
        guard drawn else { return }
        Console.write("\n", toStandardError: toStandardError)
        drawn = false
    }

    private func emit(_ line: String) {
        if toStandardError { Console.error(line) } else { Console.out(line) }
    }

    /// `██████░░░░` for `done` of `total`; all light while the total is unknown.
    static func bar(done: Int, total: Int, width: Int) -> String {
        let filled = total > 0 ? min(width, done * width / total) : 0
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }

    /// `0:42`, `12:05`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds))
        let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }
}
