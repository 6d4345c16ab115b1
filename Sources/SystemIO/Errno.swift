import Glibc

/// An `errno` value as a thrown error: what `SystemCall.valueOrErrno` throws, before a caller
/// names the call (`SystemError`) or maps it to its own layer's error (would block, reset …).
public struct Errno: Error, Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The C `errno` value.
    public let rawValue: Int32

    /// Wraps a C `errno` value.
    @inlinable
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The current thread's `errno`, read straight after a failed call.
    @inlinable
    public static var current: Errno {
        Errno(rawValue: Glibc.errno)
    }

    /// The code and the C library's text, e.g. `errno 2 (No such file or directory)`.
    public var description: String {
        "errno \(rawValue) (\(String(cString: strerror(rawValue))))"
    }
}
