import BatchAPI
import BatchService
import Foundation
import HTTPServer
import Testing
import TestSupport

/// The job routes over real sockets: `GET /jobs`, `GET /jobs/{id}`, `POST /jobs/{id}/cancel`,
/// `POST /jobs/{id}/retry` and `GET /jobs/{id}/files/{path}`, against a job driven over the simulator.
@Suite("Job routes", .serialized, .timeLimit(.minutes(2)))
struct JobRoutesTests {
    private func serve(_ coordinator: BatchCoordinator) throws -> (Server, Task<Void, any Error>, SocketAddress) {
        let application = try APIApplication(coordinator: coordinator)
        var configuration = Server.Configuration(host: "127.0.0.1", port: 0)
        configuration.accessLog = false
        let server = application.makeServer(configuration, logger: JobSimulatorHarness.quiet)
        try server.start()
        let task = Task { try await server.run() }
        return (server, task, server.localAddress!)
    }

    private func json(_ response: RawResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response.text)")
    }

    @Test func aJobIsListedShownRetriedAndItsFilesServed() async throws {
        let harness = try await JobSimulatorHarness {
            $0.requestFailureRate = 0.3
            $0.requestFailureStatuses = [400]
        }
        let coordinator = harness.coordinator()
        let (server, task, address) = try serve(coordinator)
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(20, perPart: 10))
        _ = try await coordinator.runJob(plan, partsFolder: folder)

        let list = try await RawClient.connect(to: address).request("GET", "/jobs")
        #expect(list.status == 200)
        let listed = try json(list)["data"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["job_id"] as? String } == [plan.jobID])

        let shown = try await RawClient.connect(to: address).request("GET", "/jobs/\(plan.jobID)")
        let job = try json(shown)
        #expect(shown.status == 200 && job["phase"] as? String == "completed" && job["requests"] as? Int == 20)
        let failed = try #require(job["failed"] as? Int)
        #expect(failed > 0 && (job["batches"] as? [[String: Any]])?.count == 2)

        let index = try await RawClient.connect(to: address).request("GET", "/jobs/\(plan.jobID)/files/index.json")
        let indexItems = try json(index)["items"] as? [Any]
        #expect(index.status == 200 && indexItems?.count == 20)
        let outside = try await RawClient.connect(to: address).request("GET", "/jobs/\(plan.jobID)/files/..%2F..%2Fetc%2Fpasswd")
        #expect([400, 403, 404].contains(outside.status))
        #expect(try await RawClient.connect(to: address).request("GET", "/jobs/job_nothere").status == 404)
        #expect(try await RawClient.connect(to: address).request("GET", "/jobs/not..an-id").status == 400)

        // A 400 is not retryable: only `all` submits the lines again. Unknown members are refused.
        let none = try await RawClient.connect(to: address).request("POST", "/jobs/\(plan.jobID)/retry", headers: ["Content-Type: application/json"], body: Array("{}".utf8))
        #expect(none.status == 409, "\(none.text)")
        let typo = try await RawClient.connect(to: address).request("POST", "/jobs/\(plan.jobID)/retry", headers: ["Content-Type: application/json"], body: Array(#"{"al":true}"#.utf8))
        #expect(typo.status == 400)
        let retried = try await RawClient.connect(to: address).request("POST", "/jobs/\(plan.jobID)/retry", headers: ["Content-Type: application/json"], body: Array(#"{"all":true}"#.utf8))
        #expect(retried.status == 202, "\(retried.text)")
        let again = try #require(await coordinator.waitForJob(id: plan.jobID))
        #expect(again.job.batches.contains { $0.attempt == 2 })

        // Cancelling a job that ended is a conflict.
        let cancel = try await RawClient.connect(to: address).request("POST", "/jobs/\(plan.jobID)/cancel")
        #expect(cancel.status == 409)

        server.stop()
        _ = try? await task.value
        await coordinator.stopRuns()
        await harness.stop()
    }
}
