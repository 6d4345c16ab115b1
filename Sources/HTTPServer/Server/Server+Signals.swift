import Glibc

extension Server {
    /// Runs until SIGINT or SIGTERM, then stops gracefully: no new connections, in-flight requests finish
    /// within the grace period, and this returns normally (so the process can exit 0).
    ///
    /// `onSignal` runs once the stop began, for what the application must wind down besides the server
    /// (work that blocks in-flight requests, so that the drain is quick).
    public func runUntilSignalled(_ signals: [Int32] = [SIGINT, SIGTERM], onSignal: (@Sendable (Int32) -> Void)? = nil) async throws {
        let watch = SignalWatch(signals) { [weak self] number in
            self?.logger.info("signal \(number): stopping")
            self?.stop()
            onSignal?(number)
        }
        defer { watch.cancel() }
        try await run()
    }
}
