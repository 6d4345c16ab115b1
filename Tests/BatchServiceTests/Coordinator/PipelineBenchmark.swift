import BatchCore
import Foundation
import Testing
import TestSupport

@testable import BatchService

/// The whole pipeline on 50,000 requests (~200 MB) against the zero-latency simulator, phase by phase, with
/// the process's peak RSS. Only when `BATCH_SERVICE_BENCH` is set (build in release for real numbers:
/// `swift build -c release --build-tests -Xswiftc -enable-testing`).
@Suite("Pipeline benchmark")
struct PipelineBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BATCH_SERVICE_BENCH"] != nil))
    func fiftyThousandRequests() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let count = Int(ProcessInfo.processInfo.environment["BATCH_SERVICE_BENCH"] ?? "") ?? 50_000
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 150)
        var text = ""
        text.reserveCapacity(count * 4200)
        for index in 1...count {
            text += #"{"custom_id":"proc\#(index % 50)/topic/seg-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\#(index) \#(filler)"}]}}"#
            text += "\n"
        }
        let path = try fixture.writeInput(text, name: "bench.jsonl")
        text = ""
        let coordinator = fixture.coordinator()
        let clock = ContinuousClock()
        var phases: [(String, Duration)] = []
        var mark = clock.now
        func lap(_ name: String) {
            phases.append((name, mark.duration(to: clock.now)))
            mark = clock.now
        }
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(path)))
        lap("submit (validate, hash, copy, upload, create)")
        _ = try await coordinator.wait(id: submitted.batch.id, pollInterval: 0.05, timeout: 600)
        lap("wait")
        let download = try await coordinator.download(id: submitted.batch.id)
        lap("download + accounting")
        let index = try await coordinator.parse(id: submitted.batch.id, force: false, only: nil)
        lap("parse")
        #expect(download.missingCustomIDs.isEmpty)
        #expect(index.processed == count)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM") } ?? "VmHWM ?"
        for (name, duration) in phases { print("bench \(name): \(duration)") }
        print("bench input bytes: \(submitted.requestCount) requests, \(ServiceFixture.bytes(submitted.outputDirectory + "/input.jsonl")?.count ?? 0) bytes; \(peak) (test process, simulator included)")
    }
}
