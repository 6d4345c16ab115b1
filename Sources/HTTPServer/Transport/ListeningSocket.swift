import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// A bound, listening TCP socket whose `accept()` suspends instead of blocking.
public final class ListeningSocket: Sendable {
    /// The address actually bound, with the real port when port 0 was asked for.
    public let localAddress: SocketAddress
    private let descriptor: SocketDescriptor
    private let registration: EventLoop.Registration
    private let loop: EventLoop

    /// How long `accept()` backs off when the process or system is out of descriptors.
    private static let descriptorExhaustionBackoff = Duration.milliseconds(50)

    /// Creates a non-blocking, close-on-exec socket with `SO_REUSEADDR` (and `IPV6_V6ONLY`
    /// for IPv6), binds it to `address` (port 0: an ephemeral port), listens and registers it
    /// with `loop`.
    public init(address: SocketAddress, backlog: Int32 = 1024, loop: EventLoop) throws {
        let fd = try Syscall.makeStreamSocket(family: address.family)
        do {
            try Syscall.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
            if address.isIPv6 {
                // "::" then means IPv6 only, the same on every host, whatever its sysctl says.
                try Syscall.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, "IPV6_V6ONLY")
            }
            let bound = address.withSockAddr { pointer, length in bind(fd, pointer, length) }
            try Syscall.check("bind(\(address))", bound)
            try Syscall.check("listen", listen(fd, backlog))
            guard let local = SocketAddress.query(fd, getsockname) else {
                throw TransportError.system("getsockname", errno: clinux_errno())
            }
            localAddress = local
            registration = try loop.register(fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        descriptor = SocketDescriptor(fd)
        self.loop = loop
    }

    deinit {
        close()
    }

    /// Accepts the next connection (non-blocking, close-on-exec, `TCP_NODELAY`), suspending
    /// until one arrives. Throws `.closed` after `close()` and `CancellationError` when the task
    /// is cancelled; a connection aborted before it was accepted is skipped, and running out of
    /// descriptors backs off briefly and retries instead of ending the accept loop.
    public func accept() async throws -> ConnectedSocket {
        while true {
            let accepted: (fd: Int32, peer: SocketAddress?)?
            do {
                accepted = try descriptor.withDescriptor(Self.acceptOnce)
            } catch let error as TransportError {
                if Self.isTransient(error) {
                    continue
                }
                if Self.isExhaustion(error) {
                    try await Task.sleep(for: Self.descriptorExhaustionBackoff)
                    continue
                }
                throw error
            }
            guard let accepted else {
                try await loop.wait(registration, .read, deadline: nil)
                continue
            }
            do {
                try Syscall.setNoDelay(accepted.fd)
            } catch {
                // The connection is already lost (reset before we got to it): take the next one.
                Glibc.close(accepted.fd)
                continue
            }
            // Closes the descriptor itself when it throws (`.closed`: the loop shut down).
            return try ConnectedSocket(adopting: accepted.fd, remoteAddress: accepted.peer, loop: loop)
        }
    }

    /// Stops listening: a pending `accept()` throws `.closed`. Idempotent.
    public func close() {
        descriptor.close {
            loop.deregister(registration)
        }
    }

    private static func acceptOnce(_ fd: Int32) throws -> (fd: Int32, peer: SocketAddress?)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let result = try Syscall.nonBlocking("accept4") {
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    Int(clinux_accept4(fd, address, &length, flags))
                }
            }
        }
        guard let result else { return nil }
        return (Int32(result), SocketAddress(storage))
    }

    /// Errors of one pending connection, not of the listener (accept(2), "Error handling"):
    /// the connection is gone, try the next one at once.
    private static func isTransient(_ error: TransportError) -> Bool {
        if error == .connectionReset { return true }
        guard let code = error.errno else { return false }
        return [ECONNABORTED, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH, ENETDOWN]
            .contains(code)
    }

    /// Out of descriptors or memory: the pending connection stays queued, so retry after a pause.
    private static func isExhaustion(_ error: TransportError) -> Bool {
        guard let code = error.errno else { return false }
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(code)
    }
}
