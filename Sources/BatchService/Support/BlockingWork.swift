import Foundation

/// Runs blocking work (file I/O over hundreds of megabytes: validation, hashing, copying, scanning, parsing)
/// on a dedicated thread and awaits it, so the Swift concurrency pool (two threads here) never blocks.
///
/// One thread per job: jobs are few and long (milliseconds to seconds), so a thread's start-up cost is
/// noise, and no job can starve another behind a shared queue.
enum BlockingWork {
    /// Runs `body` on a new thread and returns what it returned or threw.
    static func run<T: Sendable, E: Error>(
        _ name: String,
        _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "batch-openai." + name
            thread.stackSize = 1 << 20
            thread.start()
        }
        return try result.get()
    }
}
