import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// The one non-blocking primitive every socket call goes through.
///
/// A call either succeeds, would block (the caller then awaits readiness on its `EventLoop` and
/// calls again), or fails with a `TransportError`. This is the only place that retries `EINTR`.
enum Syscall {
    /// Runs `body` (a single system call returning -1 on failure) until it is not interrupted.
    ///
    /// - Returns: the call's non-negative result, or `nil` for `EAGAIN`/`EWOULDBLOCK`.
    /// - Throws: `.connectionReset` for `ECONNRESET`/`EPIPE`, otherwise `.system(name, errno:)`.
    @inline(__always)
    static func nonBlocking(_ name: String, _ body: () -> Int) throws(TransportError) -> Int? {
        while true {
            let result = body()
            if result >= 0 {
                return result
            }
            // Read errno straight away: nothing between the call and here may set it.
            let code = clinux_errno()
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return nil
            case ECONNRESET, EPIPE:
                throw .connectionReset
            default:
                throw .system(name, errno: code)
            }
        }
    }

    /// For setup calls that never block (`socket`, `bind`, `setsockopt` …): any failure throws.
    static func check(_ name: String, _ result: Int32) throws(TransportError) {
        if result < 0 {
            throw .system(name, errno: clinux_errno())
        }
    }
}
