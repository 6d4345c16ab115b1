import BackendTesting
import Foundation
import Synchronization
import Testing
import TestSupport

@testable import BatchService

/// Usage through the coordinator over the in-memory backend (each result line reports 10 prompt and 5
/// completion tokens): written after download, carried by the results, told to observers once per batch.
@Suite("Usage through the coordinator, in memory")
struct UsageCoordinatorTests {
    final class Recorder: UsageObserver {
        let reports = Mutex<[UsageReport]>([])
        func usageTallied(_ report: UsageReport) { reports.withLock { $0.append(report) } }
        var count: Int { reports.withLock { $0.count } }
    }

    @Test func aRunWritesUsageJSONAndCarriesItsUsage() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let recorder = Recorder()
        coordinator.usageLedger.observe(recorder)
        let result = try await coordinator.run(RunRequest(submission: try fixture.submission(4, jobName: "usage"), pollInterval: 0.001))

        let usage = try #require(result.usage)
        #expect(result.download?.usage == usage)
        #expect(usage.batchIDs == [result.batch.id])
        #expect(usage.models.map(\.model) == ["gpt-4o-mini"])
        #expect(usage.total.tokens == UsageTokens(requests: 4, input: 40, output: 20))
        // 40 × 0.075 + 20 × 0.3 per million.
        #expect(usage.total.costUSD == 0.000009)
        #expect(FileManager.default.fileExists(atPath: result.outputDirectory + "/usage.json"))
        #expect(recorder.count == 1)
    }

    @Test func aBatchIsToldToObserversOnceHoweverOftenItIsDownloadedOrReused() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let recorder = Recorder()
        coordinator.usageLedger.observe(recorder)
        let request = RunRequest(submission: try fixture.submission(3, jobName: "once"), pollInterval: 0.001)
        let first = try await coordinator.run(request)
        let again = try await coordinator.run(request)
        #expect(again.reused)
        #expect(again.usage == first.usage)
        let downloaded = try await coordinator.download(id: first.batch.id)
        #expect(downloaded.usage == first.usage)
        #expect(try await coordinator.usage(id: first.batch.id) == first.usage)
        #expect(recorder.count == 1)

        // A restart (a new coordinator over the same folders) does not count it again either.
        let restarted = fixture.coordinator()
        let later = Recorder()
        restarted.usageLedger.observe(later)
        _ = try await restarted.download(id: first.batch.id)
        #expect(later.count == 0)
    }

    @Test func twoLooksAtOnceAtABatchNeverTalliedCountItOnce() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let first = try await fixture.coordinator().run(RunRequest(submission: try fixture.submission(3), pollInterval: 0.001))
        // As after an upgrade: results downloaded before usage.json existed.
        try FileManager.default.removeItem(atPath: first.outputDirectory + "/usage.json")
        let coordinator = fixture.coordinator()
        let recorder = Recorder()
        coordinator.usageLedger.observe(recorder)
        async let one = coordinator.usage(id: first.batch.id)
        async let two = coordinator.usage(id: first.batch.id)
        let (a, b) = try await (one, two)
        #expect(a == first.usage && b == first.usage)
        #expect(recorder.count == 1)
    }

    @Test func theUsageOfSeveralBatchesIsCombinedPerModel() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let one = try await coordinator.run(RunRequest(submission: try fixture.submission(3, name: "a.jsonl"), pollInterval: 0.001))
        let two = try await coordinator.run(RunRequest(submission: try fixture.submission(2, name: "b.jsonl", jobName: "b"), pollInterval: 0.001))
        let pending = try await coordinator.submit(try fixture.submission(4, name: "c.jsonl", jobName: "c"))
        let job = try await coordinator.usage(ofBatches: [one.batch.id, two.batch.id, pending.batch.id])
        #expect(job.batchIDs == [one.batch.id, two.batch.id])
        #expect(job.total.tokens == UsageTokens(requests: 5, input: 50, output: 25))
        #expect(job.models.map(\.model) == ["gpt-4o-mini"])
    }

    @Test func aBatchNotDownloadedHasNoUsage() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(try fixture.submission(2))
        #expect(try await coordinator.usage(id: submitted.batch.id) == nil)
    }

    @Test func theCoordinatorPricesWithTheTableItIsGiven() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let table = PriceTable(source: "https://example.com", asOf: "2026-01-01", models: ["other": ModelPrice(input: 1)])
        let coordinator = BatchCoordinator(backend: fixture.backend, workspace: fixture.workspace, logger: fixture.logs.logger, prices: table)
        let result = try await coordinator.run(RunRequest(submission: try fixture.submission(2), pollInterval: 0.001))
        let usage = try #require(result.usage)
        #expect(usage.models.first?.costUSD == nil)
        #expect(usage.total.unpricedModels == ["gpt-4o-mini"])
        #expect(usage.total.tokens.input == 20)
    }
}
