import BatchService
import Foundation
import OpenAIClient
import TestSupport
import Testing

/// The file implementations of `BatchStateStore` and `ArtifactStore`, driven through the protocols only
/// (what a database or object store implementation must pass too), plus the layout they keep on disk.
@Suite("Storage: file stores through their protocols")
struct FileStoresTests {
    /// Both stores over a fresh outputs folder.
    struct Stores {
        let root: TemporaryDirectory
        let workspace: Workspace
        let state: any BatchStateStore
        let artifacts: any ArtifactStore

        static func make() throws -> Stores {
            let root = try TemporaryDirectory()
            let workspace = try Workspace(outputs: root.path + "/outputs", inputs: root.path + "/inputs")
            return Stores(root: root, workspace: workspace, state: FileStateStore(outputsDirectory: workspace.outputsDirectory),
                          artifacts: FileArtifactStore(workspace: workspace))
        }

        /// Stages an input with `text` and records a new batch `id` for it.
        func create(_ id: String, sha: String = "aa", jobName: String? = "job", run: Bool = true, replacing: String? = nil) async throws -> CreateOutcome {
            let staged = try await artifacts.stageInput()
            try Array("{}\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: staged.inputPath)) }
            let state = NewBatchState(batch: FileStoresTests.batch(id), record: FileStoresTests.record(id, sha: sha, jobName: jobName),
                                      run: run ? PipelineRun(batchID: id, jobName: jobName) : nil)
            do {
                let outcome = try await self.state.create(state, publishing: staged, replacing: replacing)
                if outcome != .created { await artifacts.discard(staged) }
                return outcome
            } catch {
                await artifacts.discard(staged)
                throw error
            }
        }

        /// Every entry under outputs/, relative, hidden ones included.
        var entries: [String] {
            ((FileManager.default.enumerator(atPath: workspace.outputsDirectory)?.allObjects as? [String]) ?? []).sorted()
        }
    }

    static func batch(_ id: String, status: BatchStatus = .validating) -> Batch {
        Batch(id: id, endpoint: "/v1/chat/completions", inputFileID: "file-\(id)", status: status, createdAt: 1_700_000_000)
    }

    static func record(_ id: String, sha: String = "aa", jobName: String? = "job") -> SubmissionRecord {
        SubmissionRecord(batchID: id, jobName: jobName, inputSHA256: sha, requestCount: 1, inputBytes: 3,
                         inputFileID: "file-\(id)", endpoint: "/v1/chat/completions", submittedAt: 1_700_000_000)
    }

    @Test func roundTripsStateByBatchID() async throws {
        let stores = try Stores.make()
        defer { stores.root.remove() }
        let id = try BatchID("batch_one")
        #expect(try await stores.create("batch_one") == .created)
        #expect(await stores.state.batch(id) == Self.batch("batch_one"))
        #expect(await stores.state.submission(id) == Self.record("batch_one"))
        #expect(await stores.state.run(id) == PipelineRun(batchID: "batch_one", jobName: "job"))

        let later = Self.batch("batch_one", status: .completed)
        try await stores.state.putBatch(later, for: id, creating: false)
        #expect(await stores.state.batch(id) == later)
        var run = PipelineRun(batchID: "batch_one", jobName: "job")
        _ = run.apply(.polled(status: "completed", terminal: true, hasResults: true))
        #expect(run.phase == .downloading)
        try await stores.state.putRun(run, for: id)
        #expect(await stores.state.run(id) == run)
        // The layout of docs/ARCHITECTURE.md § Storage layout, nothing more (no temporary file, no staging folder).
        #expect(stores.entries == ["batch_one", "batch_one/batch.json", "batch_one/input.jsonl", "batch_one/run.json", "batch_one/submission.json"])
    }

    @Test func missingKeysAreNilAndUnknownBatchesAreNotCreatedByAccident() async throws {
        let stores = try Stores.make()
        defer { stores.root.remove() }
        let id = try BatchID("batch_none")
        #expect(await stores.state.batch(id) == nil)
        #expect(await stores.state.run(id) == nil)
        #expect(await stores.state.submission(id) == nil)
        #expect(await stores.state.submission(forKey: SubmissionKey(inputSHA256: "aa", jobName: "job")) == nil)
        #expect(await stores.artifacts.inventory(of: id) == nil)
        await #expect(throws: WorkspaceError.self) { try await stores.artifacts.read("output.jsonl", of: id) }
        // Without `creating`, storing a batch of an unknown id does nothing; with it, the batch becomes known.
        try await stores.state.putBatch(Self.batch("batch_none"), for: id, creating: false)
        #expect(await stores.state.batch(id) == nil)
        try await stores.state.putBatch(Self.batch("batch_none"), for: id, creating: true)
        #expect(await stores.state.batch(id) == Self.batch("batch_none"))
    }

    @Test func createIsCreateIfAbsentOnTheKeyAndTheID() async throws {
        let stores = try Stores.make()
        defer { stores.root.remove() }
        #expect(try await stores.create("batch_first") == .created)
        // The same input and job name again: the first record wins, nothing is written.
        #expect(try await stores.create("batch_second") == .exists(Self.record("batch_first")))
        // A different key under an id that exists: an error, and the first batch is untouched.
        await #expect(throws: WorkspaceError.self) { try await stores.create("batch_first", sha: "bb") }
        #expect(await stores.state.submission(try BatchID("batch_first")) == Self.record("batch_first"))
        // Superseding the holder of the key on purpose (it failed, or a forced resubmission) is a compare-and-set.
        #expect(try await stores.create("batch_third", replacing: "batch_other") == .exists(Self.record("batch_first")))
        #expect(try await stores.create("batch_third", replacing: "batch_first") == .created)
        let key = SubmissionKey(inputSHA256: "aa", jobName: "job")
        #expect(await stores.state.submission(forKey: key)?.batchID == "batch_third")
        #expect(!stores.entries.contains { $0.hasPrefix(".staging-") || $0.hasPrefix("batch_second") }, "\(stores.entries)")
        // A fresh store (a restart) finds the key from the files.
        let reopened = FileStateStore(outputsDirectory: stores.workspace.outputsDirectory)
        #expect(await reopened.submission(forKey: key)?.batchID == "batch_third")
    }

    @Test func listsArtifactsAndReadsThemByPath() async throws {
        let stores = try Stores.make()
        defer { stores.root.remove() }
        #expect(try await stores.create("batch_art") == .created)
        let id = try BatchID("batch_art")
        let local = try await stores.artifacts.materialise(id)
        #expect(local == stores.artifacts.location(of: id))
        try FileManager.default.createDirectory(atPath: local + "/docs/proc", withIntermediateDirectories: true)
        try "# doc\n".write(toFile: local + "/docs/proc/final.md", atomically: false, encoding: .utf8)
        try "{}\n".write(toFile: local + "/output.jsonl", atomically: false, encoding: .utf8)
        try await stores.artifacts.persist(["output.jsonl", "docs"], of: id)

        let inventory = try #require(await stores.artifacts.inventory(of: id))
        #expect(inventory.files == ["batch.json", "input.jsonl", "output.jsonl", "submission.json", "run.json"])
        #expect(inventory.hasDocs)
        #expect(try await stores.artifacts.read("output.jsonl", of: id) == .file(local + "/output.jsonl"))
        #expect(try await stores.artifacts.read("docs/proc", of: id) == .folder(local + "/docs/proc"))
        for refused in ["../batch_art/output.jsonl", "/etc/passwd", ".staging-x/input.jsonl", "docs/missing.md"] {
            await #expect(throws: WorkspaceError.self, "\(refused)") { try await stores.artifacts.read(refused, of: id) }
        }
    }

    @Test func unfinishedRunsAreFoundAndAbandonedStagingIsRemoved() async throws {
        let stores = try Stores.make()
        defer { stores.root.remove() }
        #expect(try await stores.create("batch_going") == .created)
        #expect(try await stores.create("batch_plain", sha: "cc", run: false) == .created)
        var done = PipelineRun(batchID: "batch_done", jobName: nil)
        _ = done.apply(.failed("gone"))
        #expect(done.phase.isTerminal)
        #expect(try await stores.create("batch_done", sha: "dd", run: false) == .created)
        try await stores.state.putRun(done, for: BatchID("batch_done"))
        // A staging folder of another (dead) process, without a created batch.
        try FileManager.default.createDirectory(atPath: stores.workspace.outputsDirectory + "/.staging-dead-1", withIntermediateDirectories: true)
        try await stores.state.putBatch(Self.batch("batch_done", status: .completed), for: BatchID("batch_done"), creating: false)
        #expect(await stores.state.countByStatus() == ["validating": 2, "completed": 1])
        let found = await stores.state.unfinishedRuns()
        #expect(found.runs.map(\.batchID) == ["batch_going"])
        #expect(found.discarded == 1)
        #expect(!stores.entries.contains { $0.hasPrefix(".staging-") })
    }
}
