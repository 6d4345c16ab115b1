import Logging
import OpenAIClient
import SystemIO

extension BatchCoordinator {
    /// Makes sure the batch's `input.jsonl` is in its materialised `folder`. A batch made elsewhere (the
    /// `create` command, another tool) has none here, and without it no request can be found missing: its
    /// input file is fetched once through the Files API's content route and stored through the artifact
    /// store, so a later download or parse finds it in place. A fetch that fails (the file deleted
    /// upstream) is logged and the work goes on: the results still parse, only `missing` is unknown.
    func ensureInput(of batch: Batch, _ id: BatchID, in folder: BatchFolder) async {
        let path = folder.file(BatchFolder.inputFile)
        let fileID = batch.inputFileID
        guard !fileID.isEmpty, !(await BlockingThread.run("stat") { Workspace.isRegularFile(path) }) else { return }
        do {
            let bytes = try await backendCall("download the input file \(fileID)") { try await backend.downloadFileContent(id: fileID, to: path) }
            try await stored { () async throws(WorkspaceError) in try await artifactStore.persist([BatchFolder.inputFile], of: id) }
            logger.info("fetched the batch's input file", metadata: [
                "batch_id": "\(id.rawValue)", "input_file_id": "\(fileID)", "bytes": "\(bytes)",
            ])
        } catch {
            logger.warning("the batch's input file could not be fetched: requests that never ran cannot be listed", metadata: [
                "batch_id": "\(id.rawValue)", "input_file_id": "\(fileID)", "error": "\(error)",
            ])
        }
    }
}
