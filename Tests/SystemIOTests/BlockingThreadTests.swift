import Foundation
import Glibc
import Testing
@testable import SystemIO

private struct Failure: Error, Equatable {
    let code: Int
}

@Suite struct BlockingThreadTests {
    @Test func returnsTheResult() async {
        let value = await BlockingThread.run("result") { 6 * 7 }
        #expect(value == 42)
    }

    @Test func throwsTheTypedError() async {
        do {
            _ = try await BlockingThread.run("error") { () throws(Failure) -> Int in throw Failure(code: 3) }
            Issue.record("no error")
        } catch {
            #expect(error == Failure(code: 3))  // `error` is a `Failure`: typed throws
        }
    }

    @Test func runsOffTheCallersThreadUnderItsName() async {
        let name = await BlockingThread.run("a-long-thread-name") { () -> String in
            // The kernel's name of the calling thread.
            let fd = open("/proc/thread-self/comm", O_RDONLY)
            defer { close(fd) }
            let bytes = (try? SystemCall.readAll(fd)) ?? []
            return String(decoding: bytes.filter { $0 != 0x0A }, as: UTF8.self)
        }
        #expect(name == "a-long-thread-n")
    }

    /// Eight jobs block on a pipe, more than the pool has threads (two cores): if they ran on the
    /// cooperative pool, no other task could run until they end. Another task must finish while
    /// they are all still blocked. A watchdog thread (Foundation's, independent of the code under
    /// test) releases them after 20 s so that a failure fails instead of hanging.
    @Test func blockingJobsDoNotHoldTheCooperativePool() async throws {
        var jobPipe: [Int32] = [0, 0]
        var cancelPipe: [Int32] = [0, 0]
        #expect(pipe(&jobPipe) == 0 && pipe(&cancelPipe) == 0)
        defer { for fd in jobPipe + cancelPipe { close(fd) } }
        let (reader, writer) = (jobPipe[0], jobPipe[1])
        let watchdog = Watchdog(cancel: cancelPipe[0], release: writer, count: 8)
        let jobs = Task {
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await BlockingThread.run("blocked") { () -> Int in
                            var byte: UInt8 = 0
                            return (try? SystemCall.call("read") { read(reader, &byte, 1) }) ?? -1
                        }
                    }
                }
                return await group.reduce(0, +)
            }
        }
        // Give the jobs time to start (and, were they on the pool, to occupy it).
        try await Task.sleep(for: .milliseconds(100))
        let other = await Task.detached { 6 * 7 }.value
        #expect(other == 42)
        try SystemCall.writeAll(cancelPipe[1], [1])
        let fired = await watchdog.fired()
        #expect(!fired, "the pool was blocked until the watchdog released the jobs")
        if !fired { try SystemCall.writeAll(writer, [UInt8](repeating: 1, count: 8)) }
        #expect(await jobs.value == 8)
    }
}

/// Releases the blocked jobs (`count` bytes to `release`) after 20 s unless a byte arrives on
/// `cancel` first; `fired()` says which happened, once the thread is done with the descriptors.
private final class Watchdog: Sendable {
    private let done: Task<Bool, Never>

    init(cancel: Int32, release: Int32, count: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: Bool.self)
        Thread.detachNewThread {
            var wait = pollfd(fd: cancel, events: Int16(POLLIN), revents: 0)
            let fired = poll(&wait, 1, 20_000) == 0
            if fired { _ = try? SystemCall.writeAll(release, [UInt8](repeating: 0, count: count)) }
            continuation.yield(fired)
            continuation.finish()
        }
        done = Task { await stream.first { _ in true } ?? true }
    }

    func fired() async -> Bool {
        await done.value
    }
}
