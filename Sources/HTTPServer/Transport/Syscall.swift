import CLinux

#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// The one non-blocking primitive every socket call goes through.
///
/// A call either succeeds, would block (the caller then awaits readiness on its `EventLoop` and
/// calls again), or fails with a `TransportError`. `EINTR` is retried by SystemIO's one helper
/// (`SystemCall.valueOrErrno`); here it only maps the other errors to the transport's.
enum Syscall {
    /// Runs `body` (a single system call returning -1 on failure) until it is not interrupted.
    ///
    /// - Returns: the call's non-negative result, or `nil` for `EAGAIN`/`EWOULDBLOCK`.
    /// - Throws: `.connectionReset` for `ECONNRESET`/`EPIPE`, otherwise `.system(name, errno:)`.
    @inline(__always)
    static func nonBlocking(_ name: String, _ body: () -> Int) throws(TransportError) -> Int? {
        do {
            return try SystemCall.valueOrErrno(body)
        } catch {
            switch error.rawValue {
            case EAGAIN, EWOULDBLOCK:
                return nil
            case ECONNRESET, EPIPE:
                throw .connectionReset
            default:
                throw .system(name, errno: error.rawValue)
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

extension Syscall {
    /// A new non-blocking, close-on-exec TCP socket of `family`.
    static func makeStreamSocket(family: Int32) throws(TransportError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(family, type, 0)
        try check("socket", fd)
        return fd
    }

    /// Sets an integer socket option.
    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws(TransportError) {
        var value = value
        try check("setsockopt(\(label))", setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)))
    }

    /// Turns Nagle off: a response that leaves in two writes must not wait for a delayed ACK.
    static func setNoDelay(_ fd: Int32) throws(TransportError) {
        try setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1, "TCP_NODELAY")
    }
}
