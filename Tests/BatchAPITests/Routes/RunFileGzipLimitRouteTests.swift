import BatchAPI
import BatchCore
import BatchService
import Foundation
import Gzip
import Testing
import TestSupport

/// `POST /batches/run-file` with a `.jsonl.gz`: the upload may inflate up to the job limit
/// (`BATCH_OPENAI_MAX_JOB_BYTES`), as an `input_path` `.gz` may, not only to the size of one batch; past the job
/// limit it is a 413 and nothing stays behind. The batch size stands small here (2,000 bytes instead of the API's
/// 200 MB) so that no test inflates hundreds of megabytes.
@Suite("run-file's .jsonl.gz and the job limit")
struct RunFileGzipLimitRouteTests {
    /// 40 request lines, about 6,000 bytes inflated.
    static let lines = RouteFixture.chatLines(40)

    static func post(_ fixture: RouteFixture, fields: [(String, String)]) async throws -> InProcessResponse {
        let gzipped = try GzipCompressor.compress(Array(lines.utf8))
        let form = RouteFixture.multipart(fields: fields, file: ("big.jsonl.gz", gzipped))
        return try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", form.contentType)], body: .chunks(form.body.chunks(of: 512))
        )
    }

    @Test func anUploadInflatingPastOneBatchButWithinTheJobLimitIsPlannedAsAJob() async throws {
        let limits = JobLimits(maxBatchLines: 50_000, maxBatchBytes: 2_000, maxJobBytes: 1_000_000)
        let fixture = try RouteFixture.make(api: APIConfiguration(jobLimits: limits), limits: BatchLimits(maxBytes: 2_000))
        defer { fixture.remove() }
        #expect(Self.lines.utf8.count > 2_000)
        let response = try await Self.post(fixture, fields: [("dry_run", "true")])
        // Before: 413, "inflates to more than 2000 bytes (the Batch API's limit …)".
        #expect(response.status == 200, "\(response.text)")
        let plan = try response.object()
        let batches = try #require(plan["batches"] as? [[String: Any]], "\(plan)")
        #expect(batches.count > 1)
        #expect(batches.compactMap { $0["request_count"] as? Int }.reduce(0, +) == 40, "\(batches)")
        #expect(fixture.backend.calls.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory + "/.uploads").isEmpty)
    }

    @Test func anUploadInflatingPastTheJobLimitIs413AndLeavesNothing() async throws {
        let limits = JobLimits(maxBatchLines: 50_000, maxBatchBytes: 2_000, maxJobBytes: 3_000)
        let fixture = try RouteFixture.make(api: APIConfiguration(jobLimits: limits), limits: BatchLimits(maxBytes: 2_000))
        defer { fixture.remove() }
        let problem = try RouteFixture.problem(try await Self.post(fixture, fields: [("job_name", "too-big")]), 413)
        let detail = problem["detail"] as? String ?? ""
        #expect(detail.contains("more than 3000 bytes") && detail.contains("BATCH_OPENAI_MAX_JOB_BYTES"), "\(detail)")
        #expect(fixture.backend.calls.isEmpty)
        let outputs = fixture.workspace.outputsDirectory
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs + "/.uploads").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs).filter { $0 != ".uploads" }.isEmpty)
    }
}
