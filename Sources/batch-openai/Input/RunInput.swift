import BatchService
import Foundation
import SystemIO

/// How `run` hands its input to the coordinator. A file inside the inputs folder is named by path (the
/// coordinator copies it); any other file is copied next to the outputs first and handed over as an
/// upload, which the coordinator moves into `outputs/<batch_id>/input.jsonl` — the user's file is never moved.
/// A `.gz` is inflated next to the outputs (`GzipInput`) and handed over as an upload the same way. What a
/// killed `run` leaves there is swept at the next start (`BatchCoordinator.sweepStaging`, `StagingOwner`).
struct RunInput {
    /// What the submission carries.
    let submission: SubmissionInput
    /// The copy made here, if any, removed when the coordinator did not take it.
    private let staged: String?
    /// The inflated JSONL, when the input was a `.gz`: the file to check before submitting.
    let inflated: String?

    /// Chooses the way for `path`; a file that does not exist is a failure naming it.
    static func stage(_ path: String, workspace: Workspace) async throws -> RunInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CommandFailure("\(path): no such file (expected a JSONL file of requests)")
        }
        let name = GzipInput.inflatedName(path)
        // Copies are named with this process's token under its mark, so a sweep leaves them alone while it lives.
        let outputs = workspace.outputsDirectory
        do {
            try await BlockingThread.run("claim") { () throws(WorkspaceError) in try StagingOwner.claim(outputs) }
        } catch {
            throw CommandFailure("cannot use \(outputs): \(error)")
        }
        if GzipInput.isGzipped(path) {
            // In the outputs folder (hidden), so the coordinator renames it into place instead of copying it.
            let copy = try await GzipInput.inflateToTemporary(path, in: outputs, prefix: ".inflate-\(StagingOwner.token)-")
            return RunInput(submission: .uploadedFile(path: copy, filename: name), staged: copy, inflated: copy)
        }
        if (try? workspace.inputFile(path)) != nil {
            return RunInput(submission: .path(path), staged: nil, inflated: nil)
        }
        let copy = outputs + "/.run-\(StagingOwner.token)-\(UUID().uuidString)-" + name
        do {
            try FileManager.default.copyItem(atPath: path, toPath: copy)
        } catch {
            throw CommandFailure("cannot copy \(path) into \(workspace.outputsDirectory): \(error.localizedDescription)")
        }
        return RunInput(submission: .uploadedFile(path: copy, filename: name), staged: copy, inflated: nil)
    }

    /// Removes the copy if it is still there (the coordinator moves it away when it succeeds).
    func cleanUp() {
        if let staged { try? FileManager.default.removeItem(atPath: staged) }
    }
}
