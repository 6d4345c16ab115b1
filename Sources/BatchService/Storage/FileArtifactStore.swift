import Foundation
import SystemIO

/// The artifacts of batches as files in `outputs/<batch_id>/` (docs/ARCHITECTURE.md § Storage layout), next to the state files of
/// `FileStateStore`: every artifact already is a local file, so materialising is naming the folder and
/// persisting is nothing. Inputs are staged in hidden `outputs/.staging-*` folders (`StagingFolder`).
public struct FileArtifactStore: ArtifactStore {
    /// The folders (paths from clients are checked there).
    public let workspace: Workspace

    /// A store over the workspace's outputs folder.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    public func location(of id: BatchID) -> String {
        workspace.batchDirectory(id)
    }

    public func stageInput() async throws(WorkspaceError) -> StagedInput {
        let outputs = workspace.outputsDirectory
        let staging = try await BlockingThread.run("stage") { () throws(WorkspaceError) in try StagingFolder.create(in: outputs) }
        return StagedInput(inputPath: staging.folder.file(BatchFolder.inputFile), token: staging.path)
    }

    public func discard(_ staged: StagedInput) async {
        let staging = StagingFolder(path: staged.token)
        await BlockingThread.run("discard") {
            staging.discard()
            staging.unclaim()
        }
    }

    public func materialise(_ id: BatchID) async throws(WorkspaceError) -> String {
        let folder = BatchFolder(path: workspace.batchDirectory(id))
        try await BlockingThread.run("mkdir") { () throws(WorkspaceError) in try folder.create() }
        return folder.path
    }

    public func persist(_ paths: [String], of id: BatchID) async throws(WorkspaceError) {
        // Already in place: the materialised folder is the store.
    }

    public func read(_ relativePath: String, of id: BatchID) async throws(WorkspaceError) -> ArtifactContent {
        // Workspace refuses `..`, hidden and absolute segments and checks where symlinks land.
        let path = try workspace.artifact(relativePath, of: id)
        return Workspace.isDirectory(path) ? .folder(path) : .file(path)
    }

    public func inventory(of id: BatchID) async -> LocalArtifacts? {
        let folder = BatchFolder(path: workspace.batchDirectory(id))
        return await BlockingThread.run("list") { folder.artifacts() }
    }
}
