import SystemIO

extension WorkspaceError {
    /// The workspace's form of a SystemIO failure: the call, the path and errno's text.
    init(_ error: SystemError) {
        if let (line, limit) = error.lineTooLong {
            self = WorkspaceError(kind: .system, message: "\(error.path ?? ""):\(line): line longer than \(limit) bytes")
        } else {
            self = .system(error.call, error.path ?? "", errno: error.errno)
        }
    }
}
