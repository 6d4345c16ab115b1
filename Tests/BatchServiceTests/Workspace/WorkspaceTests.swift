import BatchService
import Foundation
import TestSupport
import Testing

@Suite("Workspace: paths never escape inputs/ or outputs/")
struct WorkspaceTests {
    /// A workspace in a temporary folder, with `inputs/good.jsonl`, a symlink inside pointing out, and a file outside.
    static func make() throws -> (TemporaryDirectory, Workspace) {
        let root = try TemporaryDirectory()
        let manager = FileManager.default
        try manager.createDirectory(atPath: root.path + "/inputs/sub", withIntermediateDirectories: true)
        try "{}\n".write(toFile: root.path + "/inputs/good.jsonl", atomically: true, encoding: .utf8)
        try "{}\n".write(toFile: root.path + "/inputs/sub/nested.jsonl", atomically: true, encoding: .utf8)
        try "{}\n".write(toFile: root.path + "/secret.jsonl", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: root.path + "/inputs/escape.jsonl", withDestinationPath: root.path + "/secret.jsonl")
        try manager.createSymbolicLink(atPath: root.path + "/inputs/inner.jsonl", withDestinationPath: root.path + "/inputs/good.jsonl")
        try manager.createDirectory(atPath: root.path + "/inputs/dir.jsonl", withIntermediateDirectories: true)
        let workspace = try Workspace(outputs: root.path + "/outputs", inputs: root.path + "/inputs")
        return (root, workspace)
    }

    @Test func acceptsFilesInsideInputs() throws {
        let (root, workspace) = try Self.make()
        defer { root.remove() }
        #expect(try workspace.inputFile("good.jsonl").hasSuffix("/inputs/good.jsonl"))
        #expect(try workspace.inputFile("sub/nested.jsonl").hasSuffix("/inputs/sub/nested.jsonl"))
        #expect(try workspace.inputFile(root.path + "/inputs/good.jsonl").hasSuffix("/inputs/good.jsonl"))
        // A symlink that stays inside is fine.
        #expect(try workspace.inputFile("inner.jsonl").hasSuffix("/inputs/good.jsonl"))
        #expect(FileManager.default.fileExists(atPath: root.path + "/outputs"))
    }

    @Test("refuses paths that leave inputs/", arguments: [
        "../secret.jsonl", "sub/../../secret.jsonl", "escape.jsonl", "/etc/passwd.jsonl", "dir.jsonl",
    ])
    func refusesEscapes(path: String) throws {
        let (root, workspace) = try Self.make()
        defer { root.remove() }
        #expect {
            _ = try workspace.inputFile(path)
        } throws: { error in
            let kind = (error as? WorkspaceError)?.kind
            return kind == .outsideFolder || kind == .notFound
        }
        let absolute = root.path + "/secret.jsonl"
        #expect(throws: WorkspaceError.self) { _ = try workspace.inputFile(absolute) }
    }

    @Test func refusesOtherFileTypesAndMissingFiles() throws {
        let (root, workspace) = try Self.make()
        defer { root.remove() }
        #expect((try? workspace.inputFile("good.txt")) == nil)
        do {
            _ = try workspace.inputFile("good.json")
            Issue.record("a .json file was accepted")
        } catch {
            #expect(error.kind == .unsupportedFileType)
        }
        do {
            _ = try workspace.inputFile("missing.jsonl")
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.kind == .notFound)
        }
    }

    @Test("batch ids must have the id shape", arguments: [
        "../x", "a/b", ".", "..", "", "batch_1.json", "batch 1", "batch_1\n", "_batch", String(repeating: "a", count: 201), "batch_é",
    ])
    func refusesHostileBatchIDs(id: String) {
        #expect(throws: WorkspaceError.self) { _ = try BatchID(id) }
    }

    @Test func acceptsRealBatchIDs() throws {
        for id in ["batch_abc123", "batch_6f1c2a9e4b7d4e0c8a3f5d2b1e9c7a60", "batch-0193-uuid", "b1"] {
            #expect(try BatchID(id).rawValue == id)
        }
    }

    @Test func confinesArtifactsToTheBatchFolder() throws {
        let (root, workspace) = try Self.make()
        defer { root.remove() }
        let id = try BatchID("batch_a1")
        let folder = workspace.batchDirectory(id)
        try FileManager.default.createDirectory(atPath: folder + "/docs", withIntermediateDirectories: true)
        try "x".write(toFile: folder + "/docs/a.md", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder + "/docs/leak.md", withDestinationPath: root.path + "/secret.jsonl")
        #expect(try workspace.artifact("docs/a.md", of: id).hasSuffix("/batch_a1/docs/a.md"))
        for path in ["../batch_b/x", "docs/../../secret.jsonl", "/etc/passwd", "docs/leak.md", ".hidden", "docs//a.md", ""] {
            #expect(throws: WorkspaceError.self, "\(path)") { _ = try workspace.artifact(path, of: id) }
        }
    }
}
