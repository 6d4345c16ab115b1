import BatchService
import OpenAIClient

// Following a run: the watch loop and how its failures read.
extension RunCommand {
    /// Watches the run until it ends, redrawing the progress from `batch.json` (which the coordinator
    /// refreshes at every poll), so watching costs no request of its own.
    func follow(id: String, first: Batch, folder: RunFolder, coordinator: BatchCoordinator, progress: ProgressDisplay,
                        elapsed: () -> Double) async throws -> PipelineRun {
        var batch = first
        let deadline = timeout.map { elapsed() + $0 }
        // Redraw at least every second so the clock moves on a terminal; a plain log gets a line per change only.
        let tick = min(pollInterval, 1.0)
        progress.update(batch, elapsed: elapsed())
        while true {
            guard let state = await coordinator.runState(id: id) else {
                progress.finish()
                throw CommandFailure("the run of batch \(id) is not recorded in \(folder.path) (run.json is missing)")
            }
            if state.phase.isTerminal {
                if let last = folder.batch() { progress.update(last, elapsed: elapsed()) }
                progress.finish()
                // Let the driver finish recording before reading what it wrote.
                return await coordinator.waitForRun(id: id) ?? state
            }
            if let deadline, elapsed() >= deadline {
                progress.finish()
                throw CommandFailure(
                    "batch \(id) is still \(batch.status.rawValue) after --timeout \(Self.seconds(timeout ?? 0)) s; it goes on on the server:"
                        + " `batch-openai get --id \(id)` shows it, and running this command again (without --force) follows it"
                )
            }
            let pause = deadline.map { min(tick, max(0.05, $0 - elapsed())) } ?? tick
            try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            if let fresh = folder.batch() { batch = fresh }
            progress.update(batch, elapsed: elapsed())
        }
    }

    /// A coordinator error as the message the user reads; invalid lines are listed with their numbers.
    static func failure(_ error: BatchServiceError, action: String, file: String = "input") -> CommandFailure {
        if error.kind == .invalidInput, !error.issues.isEmpty {
            return InputFileCheck.rejection(error.issues, total: error.issueCount, file: file)
        }
        return CommandFailure("\(action) failed: \(error.message)")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
