@testable import BatchService
import Foundation
import TestSupport
import Testing

@Suite("Usage report and usage.json")
struct UsageReportTests {
    static func tally(_ text: String) -> UsageTally {
        var tally = UsageTally()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { tally.add(line: UnsafeRawBufferPointer($0)) }
        }
        return tally
    }

    @Test func eachModelIsPricedAndAnUnknownOneKeepsItsTokensWithoutAPrice() throws {
        let report = UsageReport(batchIDs: ["batch_1"], tally: Self.tally(UsageResultLines.file), prices: .standard)
        #expect(report.models.map(\.model) == ["acme-large-2025-01-01", "gpt-5-mini-2025-08-07", "o3-2025-04-16", "text-embedding-3-small"])
        let unknown = try #require(report.models.first)
        #expect(unknown.tokens == UsageTokens(requests: 1, input: 10, output: 5))
        #expect(unknown.pricedAs == nil)
        #expect(unknown.costUSD == nil)
        #expect(report.models[1].pricedAs == "gpt-5-mini")
        #expect(report.models[1].costUSD == 0.0003832)
        #expect(report.models[2].costUSD == 0.0044)
        #expect(report.models[3].costUSD == 0.00000008)
        #expect(report.total.costUSD == 0.00478328)
        #expect(report.total.unpricedModels == ["acme-large-2025-01-01"])
        #expect(report.total.tokens.input == 1200 + 2048 + 8 + 10)
        #expect(report.unreadableLines == 1)
        #expect(report.prices.asOf == PriceTable.standard.asOf)
    }

    @Test func reportsOfSeveralBatchesCombinePerModel() {
        let one = UsageReport(batchIDs: ["batch_1"], tally: Self.tally(UsageResultLines.chat), prices: .standard)
        let two = UsageReport(batchIDs: ["batch_2"], tally: Self.tally(UsageResultLines.chat + "\n" + UsageResultLines.embedding), prices: .standard)
        let job = UsageReport.combining([one, two], prices: .standard)
        #expect(job.batchIDs == ["batch_1", "batch_2"])
        #expect(job.models.map(\.model) == ["o3-2025-04-16", "text-embedding-3-small"])
        #expect(job.models[0].tokens.requests == 2)
        #expect(job.models[0].costUSD == 0.0088)
        #expect(job.total.costUSD == 0.00880008)
    }

    @Test func usageJSONIsWrittenOnceAndTalliedAgainOnlyWhenTheOutputChanges() throws {
        let directory = try TemporaryDirectory(prefix: "usage-file")
        defer { directory.remove() }
        let folder = BatchFolder(path: directory.path)
        let output = folder.file(BatchFolder.outputFile)
        try UsageResultLines.chat.write(toFile: output, atomically: true, encoding: .utf8)

        let first = try UsageFile.refresh(folder, batchID: "batch_1", prices: .standard)
        #expect(first.firstTally)
        #expect(first.report.total.tokens.input == 1200)
        let written = try Data(contentsOf: URL(fileURLWithPath: folder.file(UsageFile.name)))
        let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect(object["batches"] as? [String] == ["batch_1"])
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["input_tokens"] as? Int == 1200)
        #expect(total["cached_input_tokens"] as? Int == 1024)
        #expect(total["reasoning_tokens"] as? Int == 640)
        #expect(total["cost_usd"] as? Double == 0.0044)
        #expect(object["tallied_from"] is [String: Any])

        // Unchanged output: the file is read, not the output (a file of other tokens in its place shows it).
        let again = try UsageFile.refresh(folder, batchID: "batch_1", prices: .standard)
        #expect(!again.firstTally)
        #expect(again.report == first.report)

        // A new output renamed into place (a download) is tallied again, but it is not a first tally.
        try (UsageResultLines.chat + "\n" + UsageResultLines.chat).write(toFile: output, atomically: true, encoding: .utf8)
        let changed = try UsageFile.refresh(folder, batchID: "batch_1", prices: .standard)
        #expect(!changed.firstTally)
        #expect(changed.report.total.tokens.input == 2400)
    }

    @Test func anOutputNoLongerThereKeepsTheTokensTalliedFromIt() throws {
        let directory = try TemporaryDirectory(prefix: "usage-file")
        defer { directory.remove() }
        let folder = BatchFolder(path: directory.path)
        try UsageResultLines.chat.write(toFile: folder.file(BatchFolder.outputFile), atomically: true, encoding: .utf8)
        let first = try UsageFile.refresh(folder, batchID: "batch_1", prices: .standard)
        try FileManager.default.removeItem(atPath: folder.file(BatchFolder.outputFile))
        let later = try UsageFile.refresh(folder, batchID: "batch_1", prices: .standard)
        #expect(!later.firstTally)
        #expect(later.report == first.report)
    }

    @Test func usageJSONIsPricedAgainWhenThePriceTableChanged() throws {
        let directory = try TemporaryDirectory(prefix: "usage-file")
        defer { directory.remove() }
        let folder = BatchFolder(path: directory.path)
        try UsageResultLines.chat.write(toFile: folder.file(BatchFolder.outputFile), atomically: true, encoding: .utf8)
        _ = try UsageFile.refresh(folder, batchID: "batch_1", prices: .standard)
        let ours = PriceTable(source: "https://example.com", asOf: "2026-01-01", models: ["o3": ModelPrice(input: 2, output: 8)])
        let repriced = try UsageFile.refresh(folder, batchID: "batch_1", prices: ours)
        #expect(!repriced.firstTally)
        #expect(repriced.report.models[0].costUSD == 0.0088)
        #expect(repriced.report.prices.asOf == "2026-01-01")
        let stored = try #require(BatchFolder.readJSON(UsageFile.Contents.self, from: folder.file(UsageFile.name)))
        #expect(stored.report == repriced.report)
    }
}
