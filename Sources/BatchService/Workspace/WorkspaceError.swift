/// Why a path or id was refused, or a file could not be written.
public struct WorkspaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in kinds the REST layer maps to statuses.
    public enum Kind: Sendable, Equatable {
        /// The id does not have the shape of a batch id (400).
        case invalidBatchID
        /// The path leaves the folder it must stay in, or is not a request file (400 / 403).
        case outsideFolder
        /// The file is not `.jsonl` or `.jsonl.gz` (400).
        case unsupportedFileType
        /// The file does not exist (404).
        case notFound
        /// A system call failed (500).
        case system
    }

    /// The kind.
    public let kind: Kind
    /// The message for a person; paths are given as the caller wrote them.
    public let message: String

    public var description: String { message }

    static func invalidBatchID(_ id: String) -> WorkspaceError {
        let shown = id.count > 60 ? String(id.prefix(57)) + "..." : id
        return WorkspaceError(kind: .invalidBatchID, message: "'\(shown)' is not a batch id (letters, digits, '_' and '-' only).")
    }

    static func outside(_ path: String, _ folder: String) -> WorkspaceError {
        WorkspaceError(kind: .outsideFolder, message: "'\(path)' is not inside the \(folder) folder.")
    }

    static func system(_ call: String, _ path: String, errno: Int32) -> WorkspaceError {
        WorkspaceError(kind: .system, message: "\(call) \(path): \(String(cString: strerror(errno)))")
    }
}

#if canImport(Glibc)
import Glibc
#endif
