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
    /// What this process declared staged in the outputs folder while the copy exists (`StagingOwner`).
    private let claim: (item: String, outputs: String)?

    /// Chooses the way for `path`; a file that does not exist is a failure naming it.
    static func stage(_ path: String, workspace: Workspace, maxInflatedBytes: Int64) async throws -> RunInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CommandFailure("\(path): no such file (expected a JSONL file of requests)")
        }
        let name = GzipInput.inflatedName(path)
        if (try? workspace.inputFile(path)) != nil, !GzipInput.isGzipped(path) {
            return RunInput(submission: .path(path), staged: nil, inflated: nil, claim: nil)
        }
        // Copies carry this process's token and are claimed before they exist: a sweep leaves them alone while it lives.
        let outputs = workspace.outputsDirectory
        let claim = (item: "run-input-" + UUID().uuidString, outputs: outputs)
        do {
            try await BlockingThread.run("claim") { () throws(WorkspaceError) in try StagingOwner.claim(claim.item, in: outputs) }
        } catch {
            throw CommandFailure("cannot use \(outputs): \(error)")
        }
        do {
            if GzipInput.isGzipped(path) {
                // In the outputs folder (hidden), so the coordinator renames it into place instead of copying it.
                let copy = try await GzipInput.inflateToTemporary(path, in: outputs, prefix: ".inflate-\(StagingOwner.token)-", maxBytes: Int(maxInflatedBytes))
                return RunInput(submission: .uploadedFile(path: copy, filename: name), staged: copy, inflated: copy, claim: claim)
            }
            let copy = outputs + "/.run-\(StagingOwner.token)-\(UUID().uuidString)-" + name
            do {
                try FileManager.default.copyItem(atPath: path, toPath: copy)
            } catch {
                throw CommandFailure("cannot copy \(path) into \(outputs): \(error.localizedDescription)")
            }
            return RunInput(submission: .uploadedFile(path: copy, filename: name), staged: copy, inflated: nil, claim: claim)
        } catch {
            StagingOwner.unclaim(claim.item, in: outputs)
            throw error
        }
    }

    /// Removes the copy if it is still there (the coordinator moves it away when it succeeds), and with it
    /// this process's claim on the outputs folder.
    func cleanUp() {
        if let staged { try? FileManager.default.removeItem(atPath: staged) }
        if let claim { StagingOwner.unclaim(claim.item, in: claim.outputs) }
    }
}
