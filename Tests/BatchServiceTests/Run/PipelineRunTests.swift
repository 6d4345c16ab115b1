import BatchService
import Foundation
import Testing

@Suite("PipelineRun state machine")
struct PipelineRunTests {
    @Test func followsABatchToParsedDocuments() {
        var run = PipelineRun(batchID: "batch_1", doParse: true, pollInterval: 2)
        #expect(run.apply(.polled(status: "validating", terminal: false, hasResults: false)) == .poll(after: 2))
        #expect(run.apply(.polled(status: "in_progress", terminal: false, hasResults: false)) == .poll(after: 2))
        #expect(run.apply(.polled(status: "completed", terminal: true, hasResults: true)) == .download)
        #expect(run.phase == .downloading)
        #expect(run.apply(.downloaded) == .parse)
        #expect(run.apply(.parsed) == .finish)
        #expect(run.phase == .completed)
        #expect(run.batchStatus == "completed")
    }

    @Test func skipsParsingWhenNotAsked() {
        var run = PipelineRun(batchID: "batch_1", doParse: false)
        _ = run.apply(.polled(status: "completed", terminal: true, hasResults: true))
        #expect(run.apply(.downloaded) == .finish)
        #expect(run.phase == .completed)
    }

    @Test("expired and cancelled batches with partial results are still downloaded", arguments: ["expired", "cancelled"])
    func downloadsPartialResults(status: String) {
        var run = PipelineRun(batchID: "batch_1")
        #expect(run.apply(.polled(status: status, terminal: true, hasResults: true)) == .download)
    }

    @Test func failsWhenTheBatchEndsWithoutResults() {
        var run = PipelineRun(batchID: "batch_1")
        #expect(run.apply(.polled(status: "failed", terminal: true, hasResults: false)) == .finish)
        #expect(run.phase == .failed)
        #expect(run.failure?.contains("failed without result files") == true)
    }

    @Test func resumesFromEveryPhaseWithoutSubmittingAgain() {
        var run = PipelineRun(batchID: "batch_1")
        #expect(run.apply(.resumed) == .poll(after: 0))
        _ = run.apply(.polled(status: "completed", terminal: true, hasResults: true))
        #expect(run.apply(.resumed) == .download)
        _ = run.apply(.downloaded)
        #expect(run.apply(.resumed) == .parse)
        _ = run.apply(.parsed)
        #expect(run.apply(.resumed) == .finish)
    }

    @Test func ignoresEventsThatDoNotFitThePhase() {
        var run = PipelineRun(batchID: "batch_1")
        #expect(run.apply(.downloaded) == .ignore)
        #expect(run.apply(.parsed) == .ignore)
        #expect(run.phase == .waiting)
        _ = run.apply(.failed("upload lost"))
        #expect(run.apply(.failed("again")) == .ignore)
        #expect(run.failure == "upload lost")
        #expect(run.apply(.polled(status: "completed", terminal: true, hasResults: true)) == .ignore)
    }

    @Test func survivesARoundTripThroughJSON() throws {
        var run = PipelineRun(batchID: "batch_1", jobName: "demo", doParse: true, pollInterval: 5)
        _ = run.apply(.polled(status: "completed", terminal: true, hasResults: true))
        let decoded = try JSONDecoder().decode(PipelineRun.self, from: JSONEncoder().encode(run))
        #expect(decoded == run)
        var resumed = decoded
        #expect(resumed.apply(.resumed) == .download)
    }
}
