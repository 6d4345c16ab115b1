import Dispatch
import Glibc

/// Delivers signals (SIGINT, SIGTERM) to a handler instead of their default action, which would end the
/// process before a graceful stop. The one way the package and the executable catch signals:
/// `Server.runUntilSignalled` uses it, and so do commands that only need a last word on Ctrl-C.
///
/// The signals are ignored by the process while it watches (Dispatch sees them anyway) and get their
/// default action back once it is cancelled, so a second Ctrl-C after the stop began still works.
public final class SignalWatch: Sendable {
    // Audited: set once in `init`; Dispatch sources are thread-safe to cancel, and Dispatch serialises
    // each source's handler.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    /// Starts watching `signals`; `handler` runs on a global queue with the signal's number.
    public init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops watching and gives the signals their default action back.
    public func cancel() {
        for source in sources where !source.isCancelled { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }

    deinit {
        cancel()
    }
}
