import Glibc
import Testing
@testable import SystemIO

@Suite struct SystemCallTests {
    @Test func retriesInterruptedCallsThenReturnsTheValue() throws {
        var calls = 0
        let value = try SystemCall.valueOrErrno { () -> Int in
            calls += 1
            if calls <= 3 {
                errno = EINTR
                return -1
            }
            return 42
        }
        #expect(value == 42)
        #expect(calls == 4)
    }

    @Test func withoutRetryAnInterruptIsThrown() {
        #expect(throws: Errno(rawValue: EINTR)) {
            try SystemCall.valueOrErrno(retryOnInterrupt: false) { () -> Int32 in
                errno = EINTR
                return -1
            }
        }
    }

    @Test func aFailureNamesTheCallThePathAndErrno() {
        do {
            _ = try SystemCall.call("open", path: "/nonexistent/x") { open("/nonexistent/x", O_RDONLY) }
            Issue.record("open succeeded")
        } catch {
            #expect(error.call == "open")
            #expect(error.path == "/nonexistent/x")
            #expect(error.errno == ENOENT)
            #expect(error.description.contains("open /nonexistent/x failed: errno 2"))
        }
    }

    /// A real blocking `read` interrupted by a signal (without `SA_RESTART`) is retried and then
    /// returns the byte written after the signal.
    @Test func aSignalDuringABlockingReadIsRetried() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0  // no SA_RESTART: the read must come back with EINTR
        var previous = sigaction()
        sigaction(SIGUSR1, &action, &previous)
        defer { sigaction(SIGUSR1, &previous, nil) }

        let reader = fds[0]
        let writer = fds[1]
        let threadID = ThreadID()
        let reading = Task {
            try await BlockingThread.run("eintr-test") { () throws(SystemError) -> Int in
                threadID.set(pthread_self())
                var byte: UInt8 = 0
                return try SystemCall.call("read") { read(reader, &byte, 1) }
            }
        }
        let thread = try await threadID.wait()
        // Interrupt the read a few times, then give it something to read.
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(20))
            pthread_kill(thread, SIGUSR1)
        }
        var byte: UInt8 = 7
        #expect(write(writer, &byte, 1) == 1)
        #expect(try await reading.value == 1)
    }

    /// A pipe holds 64 KiB, so writing 1 MiB to it makes `write` return short counts while a slow
    /// reader drains it; every byte must arrive, in order.
    @Test func writeAllSurvivesShortWrites() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (reader, writer) = (fds[0], fds[1])
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let draining = Task {
            await BlockingThread.run("slow-reader") { () -> [UInt8] in
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 10_000)
                while true {
                    usleep(200)
                    let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    received.append(contentsOf: chunk[0..<count])
                }
                close(reader)
                return received
            }
        }
        try await BlockingThread.run("writer") { () throws(SystemError) in
            try SystemCall.writeAll(writer, bytes, path: "pipe")
            close(writer)
        }
        #expect(await draining.value == bytes)
    }

    @Test func writeAllReportsAFailure() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        close(fds[1])
        #expect(throws: SystemError.call("write", path: "closed", errno: EBADF)) {
            try SystemCall.writeAll(fds[1], [1, 2, 3], path: "closed")
        }
    }

    @Test func readAllReadsEverything() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        try SystemCall.writeAll(fds[1], Array("hello".utf8))
        close(fds[1])
        #expect(try SystemCall.readAll(fds[0]) == Array("hello".utf8))
        close(fds[0])
    }
}

/// Hands the reading thread's id to the test, which then signals it.
///
/// `@unchecked Sendable`: `value` is read and written only while holding `lock`.
private final class ThreadID: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var value: pthread_t?

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    func set(_ thread: pthread_t) {
        pthread_mutex_lock(&lock)
        value = thread
        pthread_mutex_unlock(&lock)
    }

    /// Polls until the thread published itself, with a 5 s deadline.
    func wait() async throws -> pthread_t {
        for _ in 0..<5000 {
            pthread_mutex_lock(&lock)
            let found = value
            pthread_mutex_unlock(&lock)
            if let found { return found }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw SystemError.call("wait", errno: ETIMEDOUT)
    }
}
