// SystemIO: the one system layer under every target that touches files or descriptors.
//
// It holds the one EINTR retry (`SystemCall.valueOrErrno`), write-all, the durable atomic file
// (`DurableFile`), the line reader (`LineReader`), the bridge from a blocking thread to async
// (`BlockingThread`) and the `Duration` conversions. It imports Glibc only.
//
// Decision: apple/swift-system (1.8.1) is not adopted.
// - What we would use of it is small: `FileDescriptor` open/read/write/close/fsync and `Errno`.
//   Everything else we need is outside it: `openat`/`renameat`/`syncfs`, `memchr` line splitting,
//   `mmap`, sockets with `accept4`/`epoll`, and the would-block mapping of the event loop. We would
//   still call Glibc directly for most of the layer, so it would read as two styles, not one.
// - Its value is portability (Darwin, Windows), which we do not want (STYLE: Linux only).
// - Its `retryOnInterrupt` helper is internal (`valueOrErrno` is not public API), so the one retry
//   place would still be ours.
// - It is one more package to resolve and compile on a 2-core machine shared by four builds, and
//   one more dependency on every target below `HTTPServer`; a dozen hand-written lines cost less.
// The shape is borrowed instead: `valueOrErrno(retryOnInterrupt:)` mirrors swift-system's
// `Sources/System/Internals/Syscalls.swift` funnel, and `Errno` its typed errno.
import Glibc

/// System calls that go through one place: the only `EINTR` retry in the tree, and write-all.
///
/// A blocking call is retried when a signal interrupts it; a non-blocking socket call also goes
/// through here and sees `EAGAIN` as a thrown `Errno` that its layer turns into "would block".
public enum SystemCall {
    /// Runs `body`, a system call that returns -1 and sets `errno` on failure, and returns its
    /// value; with `retryOnInterrupt`, an `EINTR` runs it again. Any other failure throws `Errno`.
    @inlinable
    @inline(__always)
    public static func valueOrErrno<T: FixedWidthInteger>(
        retryOnInterrupt: Bool = true, _ body: () -> T
    ) throws(Errno) -> T {
        while true {
            let result = body()
            // errno is read before anything else runs, the comparison included: unspecialised
            // (debug) generic code may call into the runtime, which may change it.
            let code = Glibc.errno
            if result >= 0 { return result }
            if retryOnInterrupt && code == EINTR { continue }
            throw Errno(rawValue: code)
        }
    }

    /// Runs `body` like `valueOrErrno`, and names a failure `name` on `path`.
    @inlinable
    @inline(__always)
    public static func call<T: FixedWidthInteger>(
        _ name: String, path: String? = nil, _ body: () -> T
    ) throws(SystemError) -> T {
        do {
            return try valueOrErrno(body)
        } catch {
            throw .call(name, path: path, errno: error.rawValue)
        }
    }

    /// `write(2)` until all of `bytes` are written: a short write continues where it stopped and
    /// `EINTR` is retried (by `valueOrErrno`); any other failure throws, naming `path`.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String? = nil) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            offset += try call("write", path: path) { Glibc.write(fd, base + offset, bytes.count - offset) }
        }
    }

    /// `write(2)` until all of `bytes` are written; see the raw-buffer form.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String? = nil) throws(SystemError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(SystemError) in try writeAll(fd, raw, path: path) }
        }.get()
    }

    /// `read(2)` into `buffer`, retrying `EINTR`: the number of bytes read, 0 at end of file.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String? = nil) throws(SystemError) -> Int {
        try call("read", path: path) { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Reads the whole of `fd` from its current offset.
    public static func readAll(_ fd: Int32, path: String? = nil) throws(SystemError) -> [UInt8] {
        var result: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try read(fd, into: chunk, path: path)
            if count == 0 { return result }
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }
}
