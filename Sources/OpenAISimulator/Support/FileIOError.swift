import Glibc
import SystemIO

/// A failed file call, with the call and errno.
struct FileIOError: Error, CustomStringConvertible {
    let call: String
    let path: String
    let errno: Int32

    var description: String { "\(call)(\(path)) failed: \(String(cString: strerror(errno)))" }
}

extension FileIOError {
    /// The simulator's form of a SystemIO failure.
    init(_ error: SystemError) {
        self.init(call: error.call, path: error.path ?? "", errno: error.errno)
    }
}
