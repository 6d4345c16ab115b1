import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// A connected, non-blocking TCP socket whose reads and writes suspend instead of blocking.
///
/// Every operation first tries its system call and only on `EAGAIN` awaits readiness from the
/// `EventLoop`. One task may read while another writes; two concurrent readers (or writers) are
/// a programming error. The socket owns its descriptor and closes it in `close()` or `deinit`.
public final class ConnectedSocket: Sendable {
    /// The peer's address, when the system reported one.
    public let remoteAddress: SocketAddress?
    private let descriptor: SocketDescriptor
    private let registration: EventLoop.Registration
    private let loop: EventLoop

    /// At most this many buffers go into one `sendmsg`, well under `IOV_MAX` (1024).
    private static let maxBuffersPerCall = 64
    /// sendfile(2) moves at most 0x7ffff000 bytes per call on Linux.
    private static let maxSendFileChunk: Int64 = 0x7fff_f000

    /// Adopts a connected non-blocking descriptor and registers it with `loop`; closes `fd`
    /// if registration fails.
    init(adopting fd: Int32, remoteAddress: SocketAddress?, loop: EventLoop) throws {
        do {
            registration = try loop.register(fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        descriptor = SocketDescriptor(fd)
        self.remoteAddress = remoteAddress
        self.loop = loop
    }

    deinit {
        close()
    }

    /// The descriptor number, for logging and for calls this type does not wrap.
    /// It stays owned by the socket: do not close it.
    public var fileDescriptor: Int32 {
        descriptor.rawValue
    }

    /// Connects to `address` without blocking; throws `.timedOut` when `deadline` passes first
    /// and `.system("connect", errno:)` (e.g. `ECONNREFUSED`) when the connection fails.
    public static func connect(
        to address: SocketAddress,
        loop: EventLoop,
        deadline: ContinuousClock.Instant?
    ) async throws -> ConnectedSocket {
        let fd = try Syscall.makeStreamSocket(family: address.family)
        let result = address.withSockAddr { pointer, length in Glibc.connect(fd, pointer, length) }
        // Not through Syscall.nonBlocking: an interrupted connect carries on in the background
        // (retrying would give EALREADY), so EINTR means the same as EINPROGRESS here.
        let code = result == 0 ? 0 : clinux_errno()
        guard code == 0 || code == EINPROGRESS || code == EINTR else {
            Glibc.close(fd)
            throw TransportError.system("connect(\(address))", errno: code)
        }
        do {
            try Syscall.setNoDelay(fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        // Registered only after connect(2): an unconnected socket polls as hung up, which would
        // wake the writability wait below before the handshake finished.
        let socket = try ConnectedSocket(adopting: fd, remoteAddress: address, loop: loop)
        if code != 0 {
            do {
                try await socket.finishConnecting(to: address, deadline: deadline)
            } catch {
                socket.close()
                throw error
            }
        }
        return socket
    }

    /// Reads at most `maxBytes` (> 0) bytes; returns `[]` at end of stream.
    public func read(upTo maxBytes: Int, deadline: ContinuousClock.Instant?) async throws -> [UInt8] {
        precondition(maxBytes > 0, "read(upTo:) needs a positive byte count")
        while true {
            let bytes = try descriptor.withDescriptor { fd -> [UInt8]? in
                var received: Int?
                let bytes = try [UInt8](unsafeUninitializedCapacity: maxBytes) { buffer, count in
                    received = try Syscall.nonBlocking("read") { Glibc.read(fd, buffer.baseAddress, maxBytes) }
                    count = received ?? 0
                }
                return received == nil ? nil : bytes
            }
            if let bytes {
                return bytes
            }
            try await loop.wait(registration, .read, deadline: deadline)
        }
    }

    /// Writes every byte of every buffer, in order. Up to 64 buffers leave in one `sendmsg`
    /// (a `writev` with `MSG_NOSIGNAL`), so a head and a body cost one system call.
    public func write(_ buffers: [[UInt8]], deadline: ContinuousClock.Instant?) async throws {
        var index = 0
        var offset = 0
        while true {
            // Skip what is written, including empty buffers.
            while index < buffers.count && offset >= buffers[index].count {
                index += 1
                offset = 0
            }
            guard index < buffers.count else { return }
            let sent = try descriptor.withDescriptor { fd in
                try Self.send(fd, buffers, from: index, offset: offset)
            }
            guard var sent else {
                try await loop.wait(registration, .write, deadline: deadline)
                continue
            }
            while sent > 0 {
                let left = buffers[index].count - offset
                if sent >= left {
                    sent -= left
                    index += 1
                    offset = 0
                } else {
                    offset += sent
                    sent = 0
                }
            }
        }
    }

    /// Writes one buffer; see `write(_:deadline:)`.
    public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant?) async throws {
        try await write([bytes], deadline: deadline)
    }

    /// Sends `count` bytes of the open regular file `fileDescriptor` starting at `offset` with
    /// `sendfile(2)`. The file descriptor stays the caller's. Throws `.system("sendfile", errno: EIO)`
    /// if the file ends before `count` bytes.
    public func sendFile(
        _ fileDescriptor: Int32,
        offset: Int64,
        count: Int64,
        deadline: ContinuousClock.Instant?
    ) async throws {
        var position = off_t(offset)
        var remaining = count
        while remaining > 0 {
            let chunk = Int(min(remaining, Self.maxSendFileChunk))
            let sent = try descriptor.withDescriptor { fd in
                try Syscall.nonBlocking("sendfile") { Glibc.sendfile(fd, fileDescriptor, &position, chunk) }
            }
            guard let sent else {
                try await loop.wait(registration, .write, deadline: deadline)
                continue
            }
            if sent == 0 {
                throw TransportError.system("sendfile (file ended before \(count) bytes)", errno: EIO)
            }
            remaining -= Int64(sent)
        }
    }

    /// Shuts the sending side (`SHUT_WR`): the peer reads end of stream while this side can
    /// still read, for a lingering close. Errors (the peer already gone) are ignored.
    public func shutdownWrite() {
        _ = try? descriptor.withDescriptor { fd in
            Glibc.shutdown(fd, Int32(SHUT_WR))
        }
    }

    /// Shuts the receiving side (`SHUT_RD`): a pending or later read returns end of stream. A server
    /// stopping uses it to close idle keep-alive connections without racing their tasks. Errors are ignored.
    public func shutdownRead() {
        _ = try? descriptor.withDescriptor { fd in
            Glibc.shutdown(fd, Int32(SHUT_RD))
        }
    }

    /// Deregisters from the loop (waiters throw `.closed`) and closes the descriptor once no
    /// call is in flight on it. Idempotent.
    public func close() {
        descriptor.close {
            loop.deregister(registration)
        }
    }

    // MARK: private

    /// Waits for the handshake of a non-blocking connect to finish and reports its outcome.
    private func finishConnecting(to address: SocketAddress, deadline: ContinuousClock.Instant?) async throws {
        while true {
            try await loop.wait(registration, .write, deadline: deadline)
            let outcome = try descriptor.withDescriptor { fd -> Bool in
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                try Syscall.check("getsockopt(SO_ERROR)", getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length))
                if error != 0 {
                    throw TransportError.system("connect(\(address))", errno: error)
                }
                // A spurious edge: still handshaking when nobody reports an error or a peer.
                return SocketAddress.query(fd, getpeername) != nil
            }
            if outcome {
                return
            }
        }
    }

    /// One `sendmsg` of up to `maxBuffersPerCall` buffers from `index`, the first from `offset`.
    private static func send(_ fd: Int32, _ buffers: [[UInt8]], from index: Int, offset: Int) throws -> Int? {
        let end = min(buffers.count, index + maxBuffersPerCall)
        return try Syscall.nonBlocking("sendmsg") {
            withUnsafeTemporaryAllocation(of: iovec.self, capacity: end - index) { vectors in
                pin(buffers, index, end: end, skipping: offset, into: vectors, filled: 0) { count in
                    var message = msghdr()
                    message.msg_iov = vectors.baseAddress
                    message.msg_iovlen = count
                    return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                }
            }
        }
    }

    /// Pins `buffers[index..<end]` one inside the other, since an array's storage is only
    /// addressable inside its `withUnsafeBufferPointer`, then calls `body` with the number of
    /// vectors filled in.
    private static func pin(
        _ buffers: [[UInt8]],
        _ index: Int,
        end: Int,
        skipping offset: Int,
        into vectors: UnsafeMutableBufferPointer<iovec>,
        filled: Int,
        _ body: (Int) -> Int
    ) -> Int {
        guard index < end else {
            return body(filled)
        }
        return buffers[index].withUnsafeBufferPointer { bytes in
            var filled = filled
            if bytes.count > offset, let base = bytes.baseAddress {
                vectors[filled] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + offset), iov_len: bytes.count - offset)
                filled += 1
            }
            return pin(buffers, index + 1, end: end, skipping: 0, into: vectors, filled: filled, body)
        }
    }
}
