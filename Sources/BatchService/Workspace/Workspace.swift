#if canImport(Glibc)
import Glibc
#endif

/// The folders the service works in: `outputs/<batch_id>/…` for results and `inputs/` for request files.
///
/// Every path that comes from outside goes through here. Input paths are resolved with `realpath`
/// (symlinks included) and must land inside the inputs folder; batch ids must have the id shape before
/// they name a folder. Nothing ever escapes `inputs/` or `outputs/`.
public struct Workspace: Sendable {
    /// The outputs folder, absolute and resolved.
    public let outputsDirectory: String
    /// The inputs folder, absolute and resolved.
    public let inputsDirectory: String

    /// Uses (and creates when missing) the two folders, relative to the working directory unless absolute.
    public init(outputs: String, inputs: String) throws(WorkspaceError) {
        for folder in [outputs, inputs] where !Self.isDirectory(folder) {
            if mkdir(folder, 0o755) != 0, errno != EEXIST {
                throw .system("mkdir", folder, errno: errno)
            }
        }
        outputsDirectory = try Self.realPath(outputs)
        inputsDirectory = try Self.realPath(inputs)
    }

    /// The folder of one batch (not created).
    public func batchDirectory(_ id: BatchID) -> String {
        outputsDirectory + "/" + id.rawValue
    }

    /// A file inside a batch's folder, from a relative path such as `docs/billing/final.md`.
    /// Refuses absolute paths, `..`, empty and hidden segments; symlinks inside are resolved and checked too.
    public func artifact(_ relativePath: String, of id: BatchID) throws(WorkspaceError) -> String {
        let segments = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        guard !relativePath.isEmpty, !relativePath.hasPrefix("/"),
              segments.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("\0") })
        else { throw .outside(relativePath, "batch") }
        let folder = batchDirectory(id)
        let candidate = folder + "/" + relativePath
        guard let resolved = Self.resolvedIfExists(candidate) else {
            throw WorkspaceError(kind: .notFound, message: "No file '\(relativePath)' in batch \(id).")
        }
        guard let resolvedFolder = Self.resolvedIfExists(folder), Self.isInside(resolved, resolvedFolder) else {
            throw .outside(relativePath, "batch")
        }
        return resolved
    }

    /// Resolves a request file named by a client: relative to the working directory (`inputs/x.jsonl`),
    /// to the inputs folder (`x.jsonl`), or to its parent (`inputs/x.jsonl` when the service runs elsewhere). It must exist, be a regular file ending in `.jsonl` or
    /// `.jsonl.gz`, and resolve (symlinks included) to a place inside the inputs folder.
    public func inputFile(_ path: String) throws(WorkspaceError) -> String {
        guard !path.isEmpty, !path.contains("\0") else { throw .outside(path, "inputs") }
        let lowered = path.lowercased()
        guard lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".jsonl.gz") else {
            throw WorkspaceError(kind: .unsupportedFileType, message: "'\(path)' is not a .jsonl (or .jsonl.gz) file.")
        }
        var candidates = [path]
        if !path.hasPrefix("/") {
            candidates.append(inputsDirectory + "/" + path)
            // `inputs/x.jsonl` names the inputs folder by its own name, wherever the service runs from.
            let folderName = inputsDirectory.split(separator: "/").last.map { String($0) + "/" } ?? ""
            if !folderName.isEmpty, path.hasPrefix(folderName) {
                candidates.append(inputsDirectory + "/" + path.dropFirst(folderName.count))
            }
        }
        var escaped = false
        for candidate in candidates {
            guard let resolved = Self.resolvedIfExists(candidate) else { continue }
            guard Self.isInside(resolved, inputsDirectory) else {
                escaped = true
                continue
            }
            guard Self.isRegularFile(resolved) else { throw .outside(path, "inputs") }
            return resolved
        }
        if escaped { throw .outside(path, "inputs") }
        throw WorkspaceError(kind: .notFound, message: "No request file '\(path)' in the inputs folder.")
    }

    // MARK: - Paths

    static func isInside(_ path: String, _ folder: String) -> Bool {
        path.hasPrefix(folder + "/")
    }

    static func realPath(_ path: String) throws(WorkspaceError) -> String {
        guard let resolved = resolvedIfExists(path) else { throw .system("realpath", path, errno: errno) }
        return resolved
    }

    static func resolvedIfExists(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
