import SystemIO

extension ParseError {
    /// The parse error for a failed system call or an overlong line of the result file `file`.
    init(_ error: SystemError, file: String) {
        if let (line, limit) = error.lineTooLong {
            self = .lineTooLong(file: file, line: line, limit: limit)
        } else {
            self = .system(error.call, path: error.path ?? file, errno: error.errno)
        }
    }
}
