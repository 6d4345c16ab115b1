import Glibc

/// A failed file call, with the call and errno.
struct FileIOError: Error, CustomStringConvertible {
    let call: String
    let path: String
    let errno: Int32

    var description: String { "\(call)(\(path)) failed: \(String(cString: strerror(errno)))" }
}
