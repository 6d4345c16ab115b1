import BatchService
import Foundation
import Testing
import TestSupport

/// The kill -9 matrix of a job (docs/ARCHITECTURE.md § Jobs, "Resume"), with real processes: `batch-openai
/// serve` is killed with SIGKILL at a moment found by watching real state (the outputs folder, `job.json`, the
/// simulator's fault log), started again on the same folders, and must finish the job with every line
/// documented once and no batch created twice — the simulator, in a process of its own, is asked afterwards.
@Suite("kill -9 of a job", .serialized, .timeLimit(.minutes(3)))
struct JobKillTests {
    @Test func killedWhileSplittingTheInputTheSameRunAfterRestartFinishesTheJob() async throws {
        // 100 lines of ~40 KB: the plan pass over 4 MB lasts long enough to be caught.
        let project = try await JobKillProject.make(lines: 100, padding: 40_000, maxBatchLines: 20, simulator: [])
        defer { Task { await project.stop() } }
        let first = try await project.serve()
        let asking = try await first.send("POST", "/batches/run", json: project.runBody)
        // The plan pass is writing its parts into its staging folder; the job does not exist yet.
        let staging = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(1), { project.planStaging() }, satisfies: { $0 != nil })
        try await first.kill9()
        _ = asking
        #expect(!project.outputEntries().contains { $0.hasPrefix("job_") }, "killed after the plan: \(project.outputEntries())")
        #expect(try await project.simulatorBatches().isEmpty)

        // The user starts the service again and asks for the same run: the crashed plan's leftovers are gone.
        let second = try await project.serve()
        #expect(!project.outputEntries().contains { staging.map($0.hasPrefix) ?? false })
        let response = try await second.request("POST", "/batches/run", json: project.runBody, timeout: .seconds(90))
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let jobID = try #require(answer?["job_id"] as? String, "\(response.text)")
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
        try await project.expectSameJobAgain(second, jobID)
        try await second.stop()
    }

    @Test func killedBetweenTwoSubmissionsWithACreateInFlightTheRestartAdoptsIt() async throws {
        // A budget that holds one part at a time submits them one after another; every create sleeps 1.5 s in the
        // simulator, so the kill lands while part 1's create is asleep, part 0 submitted and the rest queued.
        var setUp = try await JobKillProject.make(lines: 80, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.2", "--request-latency", "0.005", "--finalizing-delay", "0.1", "--fault", "slow:1.5x3@POST /v1/batches",
        ])
        setUp.environment["BATCH_OPENAI_ENQUEUED_TOKENS"] = String(try await setUp.largestPartTokens() * 3 / 2)
        let project = setUp
        defer { Task { await project.stop() } }
        let first = try await project.serve()
        let jobID = try await project.startJob(first)
        let caught = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(5), { try await project.job(jobID) }, satisfies: { run in
            guard let run else { return false }
            let submitted = run.batches.filter { $0.batchID != nil }.count
            return submitted >= 1 && run.batches.contains { $0.state == .submitting } && run.batches.contains { $0.state == .queued }
                && project.injectedFaults == submitted + 1
        })
        try await first.kill9()
        let submitted = try #require(caught).batches.filter { $0.batchID != nil }.count
        // The create the dead service asked for wakes up and makes a batch nobody heard of.
        _ = try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(50), { try await project.simulatorBatches().count }, satisfies: { $0 == submitted + 1 })

        let second = try await project.serve()
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
        try await project.expectSameJobAgain(second, jobID)
        try await second.stop()
    }

    @Test func killedWhileItsBatchesRunUpstreamTheRestartFollowsThem() async throws {
        let project = try await JobKillProject.make(lines: 80, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.2", "--request-latency", "0.05", "--finalizing-delay", "0.2",
        ])
        defer { Task { await project.stop() } }
        let first = try await project.serve()
        let jobID = try await project.startJob(first)
        // Every part submitted, none finished, and the simulator running their requests: the job is waiting.
        _ = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(10), {
            (try await project.job(jobID)?.batches.map(\.state) ?? [], try await project.simulatorBatches().map(\.status))
        }, satisfies: { slots, upstream in
            slots.count == 4 && slots.allSatisfy { $0 == .running } && upstream.contains(.inProgress)
        })
        try await first.kill9()
        #expect(try await project.simulatorBatches().count == 4)

        let second = try await project.serve()
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
        try await project.expectSameJobAgain(second, jobID)
        try await second.stop()
    }

    @Test func killedWhileMergingDocumentsTheRestartMergesEveryBatchOnce() async throws {
        // Parts of 300 lines finishing together: their merges queue one behind the other, each long enough to be caught.
        let project = try await JobKillProject.make(lines: 900, maxBatchLines: 300, simulator: [
            "--validation-delay", "0", "--request-latency", "0", "--finalizing-delay", "0",
        ])
        defer { Task { await project.stop() } }
        var serve = try await project.serve()
        let jobID = try await project.startJob(serve)
        // First while a batch is parsed into its own folder, then while its documents move into the job's.
        var kills: [String] = []
        for moment in [JobKillProject.MergeMoment.parsing, .moving] {
            let seen = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(1), { try await project.merging(jobID, moment) }, satisfies: {
                $0.part != nil || $0.ended
            })
            guard let part = seen.part else { break }
            try await serve.kill9()
            kills.append("\(moment) part \(part)")
            serve = try await project.serve()
        }
        #expect(kills.count == 2, "killed only at \(kills): the job ended first")
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
        try await project.expectSameJobAgain(serve, jobID)
        try await serve.stop()
    }

    @Test func killedAfterEveryStepItRecordsTheJobFinishesOnce() async throws {
        // Each life of the service is killed as soon as job.json shows a step it had not shown before (a create
        // about to go out, a batch submitted, downloaded, merged), so the kills walk the whole job.
        let project = try await JobKillProject.make(lines: 60, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.05", "--request-latency", "0", "--finalizing-delay", "0.05",
        ])
        defer { Task { await project.stop() } }
        var serve = try await project.serve()
        let jobID = try await project.startJob(serve)
        var last = ""
        var killedAt: [JobRun] = []
        for _ in 0..<40 {
            let changed = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(1), { try await project.job(jobID) }, satisfies: { run in
                run.map { $0.phase.isTerminal || JobKillProject.steps($0) != last } ?? false
            })
            guard let run = changed, !run.phase.isTerminal else { break }
            try await serve.kill9()
            // What the dead service had recorded last (it may have gone a step further since the poll).
            let dead = try #require(try await project.job(jobID))
            if dead.phase.isTerminal { break }
            killedAt.append(dead)
            last = JobKillProject.steps(dead)
            serve = try await project.serve()
        }
        let states = Set(killedAt.flatMap { $0.batches.map(\.state) })
        #expect(states.isSuperset(of: [.submitting, .running, .merging]), "killed at \(killedAt.map(JobKillProject.steps))")
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
        try await project.expectSameJobAgain(serve, jobID)
        try await serve.stop()
    }

    @Test func killedInTheMiddleOfWritingJobJsonTheRestartRemovesTheTemporaryFile() async throws {
        let project = try await JobKillProject.make(lines: 80, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.05", "--request-latency", "0", "--finalizing-delay", "0.05",
        ])
        defer { Task { await project.stop() } }
        let serve = try await project.serve()
        let jobID = try await project.startJob(serve)
        // job.json is being written: its temporary file is there, not yet renamed over it.
        let temporary = try await waitUntil(timeout: .seconds(60), pollEvery: .microseconds(200), {
            project.temporaryFiles(in: project.outputs + "/" + jobID)
        }, satisfies: { !$0.isEmpty })
        try await serve.kill9()
        let left = project.temporaryFiles(in: project.outputs + "/" + jobID)
        #expect(!left.isEmpty, "the write \(temporary) ended before the kill")

        let second = try await project.serve()
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
        try await second.stop()
    }

    @Test func runKilledWhileItsJobWaitsTheSameCommandAgainFinishesIt() async throws {
        let project = try await JobKillProject.make(lines: 80, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.2", "--request-latency", "0.05", "--finalizing-delay", "0.2",
        ])
        defer { Task { await project.stop() } }
        let arguments = ["run", "inputs/" + JobKillProject.inputName, "--job-name", JobKillProject.jobName, "--poll-interval", "0.05", "--json"]
        let first = try ChildProcess(ChildProcess.batchOpenAIBinary, arguments, directory: project.directory.path,
                                     environment: project.environment, removingEnvironment: CLI.cleared)
        let jobID = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(5), { project.outputEntries().first { $0.hasPrefix("job_") } },
                                        satisfies: { $0 != nil })!
        // Every part submitted and none finished: `run` is following batches in progress.
        _ = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(5), { try await project.job(jobID)?.batches.map(\.state) ?? [] },
                                satisfies: { $0.count == 4 && $0.allSatisfy { $0 == .running } })
        first.signal(SIGKILL)
        let killed = try await first.result(timeout: .seconds(20))
        #expect(killed.terminatedBySignal && killed.status == SIGKILL)

        let again = try await CLI.run(arguments, environment: project.environment, directory: project.directory.path, timeout: .seconds(90))
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let answer = try CLI.object(again)
        #expect(answer["job_id"] as? String == jobID && answer["reused"] as? Bool == true, "\(again.stdout)")
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
    }

    @Test func runKilledInTheMiddleOfWritingJobJsonTheSameCommandAgainLeavesNothingBehind() async throws {
        let project = try await JobKillProject.make(lines: 80, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.05", "--request-latency", "0", "--finalizing-delay", "0.05",
        ])
        defer { Task { await project.stop() } }
        let arguments = ["run", "inputs/" + JobKillProject.inputName, "--job-name", JobKillProject.jobName, "--poll-interval", "0.05", "--json"]
        let first = try ChildProcess(ChildProcess.batchOpenAIBinary, arguments, directory: project.directory.path,
                                     environment: project.environment, removingEnvironment: CLI.cleared)
        let (jobID, temporary) = try await waitUntil(timeout: .seconds(60), pollEvery: .microseconds(200), { () -> (String, [String]) in
            let jobID = project.outputEntries().first { $0.hasPrefix("job_") } ?? ""
            return (jobID, jobID.isEmpty ? [] : project.temporaryFiles(in: project.outputs + "/" + jobID))
        }, satisfies: { !$0.1.isEmpty })
        first.signal(SIGKILL)
        _ = try await first.result(timeout: .seconds(20))
        #expect(!project.temporaryFiles(in: project.outputs + "/" + jobID).isEmpty, "the write \(temporary) ended before the kill")

        let again = try await CLI.run(arguments, environment: project.environment, directory: project.directory.path, timeout: .seconds(90))
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        try await project.expectFinishedOnce(jobID)
        project.expectNothingLeftBehind()
    }

    /// The window docs/ARCHITECTURE.md § The phases of a run admits: a create still asleep at the backend when
    /// the restarted service looks for it is not found, so the same slot is created again (with the same token);
    /// the job completes on the second batch and the first one runs for nothing.
    @Test func restartedWhileTheDeadServicesCreateIsStillAsleepTheSlotIsNotCreatedTwice() async throws {
        let project = try await JobKillProject.make(lines: 40, maxBatchLines: 20, simulator: [
            "--validation-delay", "0.05", "--request-latency", "0", "--finalizing-delay", "0.05", "--fault", "slow:3x1@POST /v1/batches",
        ])
        defer { Task { await project.stop() } }
        let first = try await project.serve()
        let jobID = try await project.startJob(first)
        _ = try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(5), { project.injectedFaults }, satisfies: { $0 == 1 })
        try await first.kill9()
        // Started again at once, while the simulator still sleeps on the dead service's create.
        let second = try await project.serve()
        let run = try await project.waitForEnd(jobID)
        #expect(run.phase == .completed, "\(run.failure ?? "")")
        // Once the asleep create is answered (3 s after it came), a part has two batches: look for one, bounded.
        let twice = try? await waitUntil(timeout: .seconds(8), pollEvery: .milliseconds(100), { try await project.simulatorBatches() }, satisfies: {
            $0.count > run.plan.parts.count
        })
        withKnownIssue("a create asleep at the backend when the restart looks for it is created again (docs/ARCHITECTURE.md § The phases of a run)",
                       isIntermittent: true) {
            #expect(twice?.map { "\($0.id) (part \($0.metadata?["job_part"] ?? "?"))" } == nil)
        }
        try await second.stop()
    }
}
