import BatchService
import Foundation
import Logging
import OpenAIClient
import Testing
import TestSupport

/// The world of one kill -9 case (docs/ARCHITECTURE.md § Jobs, "Resume"): `batch-openai sim` in a process of
/// its own, so that it outlives the service and keeps its batches as OpenAI would; a project folder with a
/// request file under `inputs/`; and `batch-openai serve` processes started on that folder one after another.
/// The request file's custom_ids are `proc-P/topic-T/seg-NNN`, interleaved so that every process has
/// segments in several batches and its `final.md` must be rebuilt from all of them.
struct JobKillProject {
    static let inputName = "job.jsonl"
    static let jobName = "kill9"

    let directory: TemporaryDirectory
    let sim: CLISimulator
    /// The custom_ids of the input, in input order.
    let ids: [String]
    /// What every `serve` gets: the simulator, and the job limits of the case.
    var environment: [String: String]

    /// Writes `lines` requests (each with `padding` more bytes of prompt) and starts the simulator with `knobs`.
    static func make(lines: Int, padding: Int = 0, maxBatchLines: Int, simulator knobs: [String],
                     environment extra: [String: String] = [:]) async throws -> JobKillProject {
        let directory = try TemporaryDirectory(prefix: "batch-openai-kill9")
        try FileManager.default.createDirectory(atPath: directory.path + "/inputs", withIntermediateDirectories: true)
        let ids = (0..<lines).map(Self.id)
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: padding / 27 + 1).prefix(padding)
        let text = ids.map { Self.line($0, filler: String(filler)) }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory.path + "/inputs/" + Self.inputName))
        let sim = try await CLISimulator(["--log-level", "info"] + knobs)
        var environment = sim.environment
        environment["BATCH_OPENAI_MAX_BATCH_LINES"] = String(maxBatchLines)
        environment.merge(extra) { $1 }
        return JobKillProject(directory: directory, sim: sim, ids: ids, environment: environment)
    }

    /// Line `n`'s custom_id: four processes, two topics each, segments numbered from 1.
    static func id(_ n: Int) -> String {
        "proc-\(n % 4)/topic-\(n / 4 % 2)/seg-" + String(format: "%03d", n / 8 + 1)
    }

    static func line(_ id: String, filler: String) -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Write up \#(id). \#(filler)"}]}}"#
    }

    var outputs: String { directory.path + "/outputs" }

    /// `POST /batches/run`'s body for the input (the same every time: the same job).
    var runBody: String {
        #"{"input_path":"\#(Self.inputName)","job_name":"\#(Self.jobName)","poll_interval":0.05}"#
    }

    func serve() async throws -> ServeProcess {
        try await ServeProcess(in: directory.path, environment: environment, removingEnvironment: CLI.cleared)
    }

    /// Starts the job with `Prefer: respond-async` and returns its id (the service answers once the job exists).
    func startJob(_ serve: ServeProcess) async throws -> String {
        let response = try await serve.request("POST", "/batches/run", json: runBody, headers: ["Prefer: respond-async"], timeout: .seconds(60))
        #expect(response.status == 202, "\(response.text)")
        let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return try #require(answer?["job_id"] as? String, "\(response.text)")
    }

    /// The job's durable state, read from `job.json` by the service's own store (nil before it exists).
    func job(_ jobID: String) async throws -> JobRun? {
        await FileJobStore(outputsDirectory: outputs).job(try BatchID(jobID))
    }

    /// Names in `outputs/` (none before the service made the folder).
    func outputEntries() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: outputs)) ?? []
    }

    /// A job's steps in one line: its phase and each slot's part, attempt, state and batch.
    static func steps(_ run: JobRun) -> String {
        run.phase.rawValue + " " + run.batches.map { "\($0.part).\($0.attempt):\($0.state.rawValue):\($0.batchID ?? "-")" }.joined(separator: " ")
    }

    /// The staging folder of a plan pass under way: one whose `parts/` has a part file already.
    func planStaging() -> String? {
        outputEntries().first { name in
            name.hasPrefix(".staging-") && !((try? FileManager.default.contentsOfDirectory(atPath: outputs + "/" + name + "/parts")) ?? []).isEmpty
        }
    }

    /// The input tokens of the plan's largest part, from `run --dry-run --json` (nothing is sent).
    func largestPartTokens() async throws -> Int {
        let plan = try await CLI.run(["run", "inputs/" + Self.inputName, "--dry-run", "--json"], environment: environment, directory: directory.path)
        let batches = try #require(try CLI.object(plan)["batches"] as? [[String: Any]], "\(plan.stdout)\(plan.stderr)")
        return try #require(batches.compactMap { $0["input_tokens"] as? Int }.max())
    }

    /// A moment of a batch's merge into its job.
    enum MergeMoment: String, CustomStringConvertible {
        /// The batch is parsed into its own `docs/`; none of its documents is in the job's yet.
        case parsing
        /// Some of its documents are in the job's `docs/`, and the merge is not recorded: moving, or rebuilding finals.
        case moving

        var description: String { rawValue }
    }

    /// What a poll of a job being merged saw: the part caught at `moment`, or that the job ended first.
    struct MergeSight: CustomStringConvertible {
        var part: Int?
        var ended: Bool

        var description: String { ended ? "ended" : part.map { "part \($0)" } ?? "not yet" }
    }

    /// Whether a slot of the job is at `moment` of its merge, read from `job.json` and the folders.
    func merging(_ jobID: String, _ moment: MergeMoment) async throws -> MergeSight {
        guard let run = try await job(jobID) else { return MergeSight(part: nil, ended: false) }
        if run.phase.isTerminal { return MergeSight(part: nil, ended: true) }
        for slot in run.batches where slot.state == .merging {
            guard let batchID = slot.batchID, FileManager.default.fileExists(atPath: outputs + "/" + batchID + "/docs"),
                  let part = run.plan.parts.first(where: { $0.index == slot.part }) else { continue }
            let partIDs = ids[(part.firstLine - 1)..<(part.firstLine - 1 + part.requestCount)]
            let moved = partIDs.contains { FileManager.default.fileExists(atPath: outputs + "/" + jobID + "/docs/" + $0 + ".md") }
            if moved == (moment == .moving) { return MergeSight(part: slot.part, ended: false) }
        }
        return MergeSight(part: nil, ended: false)
    }

    /// Every batch the simulator holds, listed over HTTP.
    func simulatorBatches() async throws -> [Batch] {
        let client = OpenAI(configuration: OpenAI.Configuration(baseURL: sim.baseURL, apiKey: CLISimulator.apiKey, retry: .none),
                            logger: Logger(label: "kill9") { _ in SwiftLogNoOpLogHandler() })
        var all: [Batch] = []
        var after: String?
        while true {
            let page = try await client.listBatches(after: after, limit: 100)
            all += page.data
            guard page.hasMore, let last = page.data.last?.id else { return all }
            after = last
        }
    }

    /// How many faults the simulator has injected so far (it logs each one).
    var injectedFaults: Int {
        (sim.child.stderrSoFar + sim.child.stdoutSoFar).components(separatedBy: "injecting fault").count - 1
    }

    /// Waits (bounded) until the job ended, resuming on its own in `serve`.
    func waitForEnd(_ jobID: String, timeout: Duration = .seconds(60)) async throws -> JobRun {
        let ended = try await waitUntil(timeout: timeout, pollEvery: .milliseconds(50), { try await job(jobID) }, satisfies: { $0?.phase.isTerminal == true })
        return try #require(ended)
    }

    /// What a job finished after kills must show: completed; every custom_id of the input exactly once in its
    /// `index.json`, processed, with its document in `docs/`; each process's `final.md` holding every one of
    /// its segments; and the simulator holding exactly one batch per part of the plan — none created twice.
    func expectFinishedOnce(_ jobID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let run = try await waitForEnd(jobID)
        #expect(run.phase == .completed, "\(run.failure ?? "")", sourceLocation: sourceLocation)
        let folder = outputs + "/" + jobID
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/index.json"))) as? [String: Any]
        let items = index?["items"] as? [[String: Any]] ?? []
        let listed = items.compactMap { $0["custom_id"] as? String }
        #expect(listed.count == ids.count && Set(listed) == Set(ids), "index.json lists \(listed.count) ids for \(ids.count) lines", sourceLocation: sourceLocation)
        for item in items {
            let file = item["file"] as? String ?? ""
            #expect(item["status"] as? String == "processed" && FileManager.default.fileExists(atPath: folder + "/docs/" + file),
                     "\(item)", sourceLocation: sourceLocation)
        }
        try expectFinals(docs: folder + "/docs", sourceLocation: sourceLocation)

        let batches = try await simulatorBatches()
        let parts = run.plan.parts.count
        #expect(parts > 1, sourceLocation: sourceLocation)
        #expect(batches.count == parts, "the simulator holds \(batches.map(\.id)) for \(parts) parts", sourceLocation: sourceLocation)
        #expect(batches.allSatisfy { $0.metadata?["job_id"] == jobID }, sourceLocation: sourceLocation)
        #expect(Set(batches.compactMap { $0.metadata?["job_part"] }) == Set((0..<parts).map(String.init)), sourceLocation: sourceLocation)
        #expect(Set(run.batches.compactMap(\.batchID)) == Set(batches.map(\.id)), sourceLocation: sourceLocation)
    }

    /// Each process's `final.md` counts all its segments and holds the text of each.
    private func expectFinals(docs: String, sourceLocation: SourceLocation) throws {
        let byProcess = Dictionary(grouping: ids) { String($0.prefix { $0 != "/" }) }
        for (process, segments) in byProcess {
            let final = try String(contentsOfFile: docs + "/" + process + "/final.md", encoding: .utf8)
            #expect(final.contains("segments: \(segments.count)\n"), "\(process)/final.md", sourceLocation: sourceLocation)
            for segment in segments {
                let document = try String(contentsOfFile: docs + "/" + segment + ".md", encoding: .utf8)
                #expect(final.contains(Self.body(of: document)), "\(process)/final.md lacks \(segment)", sourceLocation: sourceLocation)
            }
        }
    }

    /// A document without its front matter.
    static func body(of document: String) -> String {
        guard document.hasPrefix("---\n"), let end = document.range(of: "\n---\n", range: document.index(document.startIndex, offsetBy: 3)..<document.endIndex)
        else { return document.trimmingCharacters(in: .whitespacesAndNewlines) }
        return document[end.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Nothing the killed services were in the middle of is left in `outputs/`: no staging folder, pending create
    /// or owner mark, and no hidden temporary file of a write cut short (`.name.tmp-*`, `.name.part-*`) in the
    /// job's folder, its `docs/` and process folders, or its batches' folders.
    func expectNothingLeftBehind(sourceLocation: SourceLocation = #_sourceLocation) {
        let top = outputEntries().filter { $0.hasPrefix(".") && ![".serve.lock", ".uploads", ".pending"].contains($0) }
        #expect(top.isEmpty, "left in outputs/: \(top)", sourceLocation: sourceLocation)
        let pending = (try? FileManager.default.contentsOfDirectory(atPath: outputs + "/.pending")) ?? []
        #expect(pending.isEmpty, "pending creates: \(pending)", sourceLocation: sourceLocation)
        let leftovers = (FileManager.default.subpaths(atPath: outputs) ?? []).filter { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return name.hasPrefix(".") && (name.contains(".tmp-") || name.contains(".part-"))
        }
        #expect(leftovers.isEmpty, "temporary files of writes cut short: \(leftovers)", sourceLocation: sourceLocation)
    }

    /// The hidden temporary files of atomic writes (`.name.tmp-*`) directly in `folder`.
    func temporaryFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
    }

    /// The same input and job name again answer with the same job, and create nothing.
    func expectSameJobAgain(_ serve: ServeProcess, _ jobID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await simulatorBatches().count
        let response = try await serve.request("POST", "/batches/run", json: runBody, timeout: .seconds(60))
        #expect(response.status == 200, "\(response.text)", sourceLocation: sourceLocation)
        let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(answer?["job_id"] as? String == jobID && answer?["reused"] as? Bool == true, "\(response.text)", sourceLocation: sourceLocation)
        #expect(answer?["phase"] as? String == "completed", sourceLocation: sourceLocation)
        #expect(try await simulatorBatches().count == before, sourceLocation: sourceLocation)
    }

    func stop() async {
        try? await sim.stop()
        directory.remove()
    }
}
