import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Owns one socket descriptor shared by concurrent tasks (a reader, a writer, a closer).
///
/// `close()` only marks it closing; `close(2)` runs once the last system call in flight
/// returned. Otherwise a close racing a read could free the number, a new connection could
/// reuse it, and the read would consume that connection's bytes.
final class SocketDescriptor: Sendable {
    private struct State {
        var users = 0
        var isClosing = false
        var isClosed = false
    }

    /// The descriptor number, for diagnostics and `fileDescriptor`; use `withDescriptor` for calls.
    let rawValue: Int32
    private let state = Mutex(State())

    /// Takes ownership of `fd`.
    init(_ fd: Int32) {
        rawValue = fd
    }

    deinit {
        // Nobody can be inside withDescriptor any more; close if close() never ran.
        let needsClose = state.withLock { !$0.isClosed }
        if needsClose {
            Glibc.close(rawValue)
        }
    }

    /// Runs `body` (a non-blocking system call) with the descriptor; throws `.closed` once
    /// closing started.
    func withDescriptor<Result>(_ body: (Int32) throws -> Result) throws -> Result {
        let isClosing = state.withLock { state -> Bool in
            guard !state.isClosing else { return true }
            state.users += 1
            return false
        }
        if isClosing {
            throw TransportError.closed
        }
        defer { leave() }
        return try body(rawValue)
    }

    /// Whether `close()` has started.
    var isClosing: Bool {
        state.withLock { $0.isClosing }
    }

    /// Marks the descriptor closing; the first caller runs `beforeClose` (deregistration from
    /// the event loop, while the number is still ours) and the descriptor is closed now or when
    /// the last call in flight returns. Later calls do nothing.
    func close(beforeClose: () -> Void) {
        let first = state.withLock { state -> Bool in
            guard !state.isClosing else { return false }
            state.isClosing = true
            state.users += 1  // hold it open across beforeClose
            return true
        }
        guard first else { return }
        beforeClose()
        leave()
    }

    private func leave() {
        let closeNow = state.withLock { state -> Bool in
            state.users -= 1
            guard state.users == 0, state.isClosing, !state.isClosed else { return false }
            state.isClosed = true
            return true
        }
        if closeNow {
            // Linux closes the descriptor even when close(2) reports EINTR: never retry it.
            Glibc.close(rawValue)
        }
    }
}
