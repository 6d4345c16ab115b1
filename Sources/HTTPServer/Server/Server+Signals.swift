import Dispatch
import Glibc

extension Server {
    /// Runs until SIGINT or SIGTERM, then stops gracefully: no new connections, in-flight requests finish
    /// within the grace period, and this returns normally (so the process can exit 0).
    public func runUntilSignalled(_ signals: [Int32] = [SIGINT, SIGTERM]) async throws {
        let sources = signals.map { number in
            // The default action would kill the process before the drain; Dispatch delivers the signal instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.logger.info("signal \(number): stopping")
                self?.stop()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        try await run()
    }
}
