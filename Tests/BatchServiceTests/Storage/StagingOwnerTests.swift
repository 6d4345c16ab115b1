import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@testable import BatchService

/// The sweep of what killed processes staged in `outputs/`: it removes a dead owner's leftovers and never
/// what a live process (one that holds its mark) is working on.
@Suite("Storage: staging owners and the sweep")
struct StagingOwnerTests {
    @Test func theSweepRemovesOnlyWhatDeadProcessesLeft() async throws {
        let directory = try TemporaryDirectory(prefix: "staging-owner")
        defer { directory.remove() }
        let workspace = try Workspace(outputs: directory.path + "/outputs", inputs: directory.path + "/inputs")
        let outputs = workspace.outputsDirectory
        // Another live process: its mark is locked (through a descriptor of its own, as flock sees it).
        let live = open(outputs + "/.owner-live", O_RDWR | O_CREAT, 0o644)
        #expect(flock(live, LOCK_EX) == 0)
        defer { close(live) }
        // A dead one left its mark unlocked; one from before marks existed left none.
        #expect(FileManager.default.createFile(atPath: outputs + "/.owner-dead", contents: nil))
        for folder in [".staging-live-1", ".staging-dead-1", ".staging-old-1"] {
            try FileManager.default.createDirectory(atPath: outputs + "/" + folder, withIntermediateDirectories: false)
        }
        for file in [".run-live-abc-in.jsonl", ".inflate-dead-def-in.jsonl", ".run-dead-ghi-x.jsonl", "batch_keep"] {
            #expect(FileManager.default.createFile(atPath: outputs + "/" + file, contents: Data("x".utf8)))
        }
        // This process's own staging is in use by definition.
        let own = try await FileArtifactStore(workspace: workspace).stageInput()

        let swept = await FileStateStore(outputsDirectory: outputs).sweepStaging()
        #expect(swept.discarded == 4)
        let left = try FileManager.default.contentsOfDirectory(atPath: outputs).sorted()
        let ownName = String(own.token.split(separator: "/").last!)
        #expect(left == [".owner-\(StagingOwner.token)", ".owner-live", ".run-live-abc-in.jsonl", ".staging-live-1", ownName, "batch_keep"].sorted())
        #expect(!left.contains(".owner-dead"))
    }

    @Test func theMarkLivesWhileSomethingIsStagedAndIsMadeAnewWhenRemoved() throws {
        let directory = try TemporaryDirectory(prefix: "staging-owner")
        defer { directory.remove() }
        let outputs = directory.path
        let mark = outputs + "/.owner-" + StagingOwner.token
        try StagingOwner.claim("first", in: outputs)
        // The folder emptied under a running process (a clean-up): the next claim marks it again.
        #expect(unlink(mark) == 0)
        let staging = try StagingFolder.create(in: outputs)
        #expect(access(mark, F_OK) == 0)
        // Locked, as another process sees it through a descriptor of its own.
        let probe = open(mark, O_RDONLY)
        #expect(flock(probe, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        close(probe)

        // With the last item unclaimed (twice is harmless), an idle process leaves no mark behind.
        StagingOwner.unclaim("first", in: outputs)
        #expect(access(mark, F_OK) == 0)
        staging.discard()
        staging.unclaim()
        staging.unclaim()
        #expect(access(mark, F_OK) != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs).isEmpty)
    }
}
