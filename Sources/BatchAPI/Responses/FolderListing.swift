import Foundation

/// The entries of a folder inside a batch's folder (hidden ones left out), for `files/docs` and the like.
struct FolderListing: Encodable, Sendable {
    let path: String
    let entries: [Entry]

    struct Entry: Encodable, Sendable {
        let name: String
        let type: String
        let size: UInt64?
    }

    init(path folder: String, relative: String) throws {
        path = relative
        let files = FileManager.default
        entries = try files.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = files.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
            return Entry(
                name: name, type: isDirectory.boolValue ? "directory" : "file",
                size: isDirectory.boolValue ? nil : BatchRoutes.fileSize(folder + "/" + name)
            )
        }
    }
}
