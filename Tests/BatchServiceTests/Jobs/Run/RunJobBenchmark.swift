import BatchService
import Foundation
import Testing
import TestSupport

/// A whole job against the zero-latency simulator over HTTP, with the process's peak RSS, to compare a job of
/// many batches with a job of one (memory must not grow with the number of batches). Only when
/// `BATCH_SERVICE_JOB_BENCH` is set, as `<requests>,<parts>` (e.g. `5000,1` then `50000,10`, each in its own
/// process; build in release for real numbers).
@Suite("Job benchmark")
struct RunJobBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BATCH_SERVICE_JOB_BENCH"] != nil))
    func manyBatches() async throws {
        let setting = (ProcessInfo.processInfo.environment["BATCH_SERVICE_JOB_BENCH"] ?? "").split(separator: ",").compactMap { Int($0) }
        let count = setting.first ?? 50_000, parts = setting.count > 1 ? setting[1] : 10
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let staged = fixture.workspace.outputsDirectory + "/../staged"
        let plan = try RunJobPlans.make(in: staged, jobID: "job_bench", parts: RunJobPlans.ids(count, perPart: (count + parts - 1) / parts))
        let coordinator = BatchCoordinator(
            backend: fixture.client(), workspace: fixture.workspace, logger: fixture.logs.logger,
            jobPolicy: JobRunPolicy(initialBackoff: 0.05, maxBackoff: 0.2, pollInterval: 0.05)
        )
        let clock = ContinuousClock()
        let started = clock.now
        let ended = try await coordinator.runJob(plan, partsFolder: staged)
        let elapsed = started.duration(to: clock.now)
        #expect(ended.job.phase == .completed && ended.totals.succeeded == count)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM") } ?? "VmHWM ?"
        print("bench job: \(count) requests in \(ended.job.batches.count) batches: \(elapsed); \(peak) (test process, simulator included)")
    }
}
