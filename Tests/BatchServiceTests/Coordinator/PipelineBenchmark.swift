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
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["BATCH_SERVICE_BENCH"] ?? "") ?? 50_000
        // `segments` gives the seed's `<proc>/<topic>/seg-<n>` ids (50 processes), anything else flat ids.
        let segments = environment["BATCH_SERVICE_BENCH_IDS"] == "segments"
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 140)
        let path = "bench.jsonl"
        let handle = try FileHandleWriter(fixture.workspace.inputsDirectory + "/" + path)
        var text = ""
        for index in 1...count {
            let id = segments ? "proc\(index % 50)/topic/seg-\(index)" : "request-\(index)"
            text += #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\#(index) \#(filler)"}]}}"#
            text += "\n"
            if index % 1000 == 0 || index == count {
                try handle.write(text)
                text = ""
            }
        }
        try handle.close()
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
        print("bench ids: \(segments ? "segments" : "flat")")
        print("bench input bytes: \(submitted.requestCount) requests, \(ServiceFixture.bytes(submitted.outputDirectory + "/input.jsonl")?.count ?? 0) bytes; \(peak) (test process, simulator included)")
    }
}

/// Appends text to a new file in pieces, so a benchmark's input never sits whole in memory.
private struct FileHandleWriter {
    let handle: FileHandle

    init(_ path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)  // a failure shows in the open below
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ text: String) throws {
        try handle.write(contentsOf: Data(text.utf8))
    }

    func close() throws {
        try handle.close()
    }
}
