import BatchCore
import SystemIO

/// The prompt tokens of a whole input file, for the enqueued-token cap when the file was validated as a
/// stream (a batch with latency; a batch worked out ahead counts its lines during its scan).
enum PromptTokens {
    /// The sum of the lines' prompt tokens, read on a thread of its own.
    static func ofFile(_ path: String, counter: any RequestTokenCounting) async throws -> Int {
        try await BlockingThread.run("prompt-tokens") { () throws(FileIOError) -> Int in
            do throws(SystemError) {
                let reader = try LineReader(path: path)
                var total = 0
                while let line = try reader.next() { total += counter.tokens(ofLine: line).input }
                return total
            } catch {
                throw FileIOError(error)
            }
        }
    }
}
