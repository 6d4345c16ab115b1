import Foundation
import HTTPServer
import TestSupport
import Testing

/// `batch-openai sim` as a process: the line scripts wait for, the knobs, SIGTERM.
@Suite struct SimCommandTests {
    @Test func printsItsAddressServesAndStopsOnSIGTERM() async throws {
        let child = try ChildProcess(ChildProcess.batchOpenAIBinary, [
            "sim", "--port", "0", "--api-key", "sk-e2e", "--validation-delay", "0", "--request-latency", "0",
            "--finalizing-delay", "0", "--fault", "503x1@GET /v1/batches", "--log-level", "warning",
        ], removingEnvironment: ["OPENAI_API_KEY", "BATCH_OPENAI_TOKEN"])
        let output = try await child.waitForOutput(containing: "/v1\n")
        #expect(output.hasPrefix("simulator listening on http://127.0.0.1:"))
        let port = try #require(output.split(separator: ":").last.flatMap { UInt16($0.replacingOccurrences(of: "/v1\n", with: "")) })
        let client = try await RawClient.connect(to: try SocketAddress(host: "127.0.0.1", port: port))
        #expect(try await client.request("GET", "/v1/batches").status == 401)
        let auth = ["Authorization: Bearer sk-e2e"]
        let faulted = try await client.request("GET", "/v1/batches", headers: auth)
        #expect(faulted.status == 503)
        #expect(faulted.text.contains("server_error"))
        #expect(try await client.request("GET", "/v1/batches", headers: auth).status == 200)

        child.signal(SIGTERM)
        let result = try await child.result(timeout: .seconds(20))
        #expect(!result.terminatedBySignal)
        #expect(result.status == 0)
    }

    @Test func rejectsBadKnobs() async throws {
        let result = try await ChildProcess.run(ChildProcess.batchOpenAIBinary, ["sim", "--failure-rate", "2"])
        #expect(result.status == 2)
        let fault = try await ChildProcess.run(ChildProcess.batchOpenAIBinary, ["sim", "--fault", "teapot"])
        #expect(fault.status == 2)
        // The message lists the forms it accepts, so the user can fix the spec without the docs.
        #expect(fault.stderr.contains("Error: --fault 'teapot': not a fault spec. Expected FAULT[xCOUNT][@TARGET]"), "\(fault.stderr)")
        #expect(fault.stderr.contains("'drop@POST /v1/batches'"))
        let prefixed = try await ChildProcess.run(ChildProcess.batchOpenAIBinary, ["serve", "--sim", "--sim-fault", "teapot"])
        #expect(prefixed.status == 2)
        #expect(prefixed.stderr.contains("Error: --sim-fault 'teapot': not a fault spec."), "\(prefixed.stderr)")
    }
}
