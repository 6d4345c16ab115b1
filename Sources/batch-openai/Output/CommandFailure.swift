/// A failure to report on stderr with exit code 1 (`batch-openai` prints it as `Error: <description>`).
///
/// Usage errors are `ValidationError` instead (exit code 2); this one is for things that went wrong
/// while doing the work: a file that cannot be read, a backend that refused, a batch that failed.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
