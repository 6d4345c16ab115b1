import Foundation
import SystemIO

/// Log lines, buffered and written to a descriptor by a thread of its own, so that logging never puts a
/// `write(2)` on the path of a request: the access log's write per request cost `serve` a quarter of its
/// keep-alive throughput (docs/ARCHITECTURE.md § Logging).
///
/// A line is appended under a lock and the writer is woken once per batch; it waits `interval` for more lines
/// (or until `flushBytes` are pending), then writes them all in one call. `flush()` waits until everything
/// appended so far is written; it runs at exit (`atexit`), so the last lines of a SIGTERM'd `serve` are there. If
/// the descriptor stops taking bytes and `maxBytes` wait, further lines are counted and reported, not kept.
///
/// `@unchecked Sendable`: every mutable field is read and written only while holding `condition`; the bytes being
/// written belong to the writer thread alone.
final class LogSink: @unchecked Sendable {
    /// The process's standard error, flushed at exit.
    static let standardError: LogSink = {
        let sink = LogSink(descriptor: 2)
        atexit { LogSink.standardError.flush(timeout: 2) }
        return sink
    }()

    private let descriptor: Int32
    private let interval: Double
    private let flushBytes: Int
    private let maxBytes: Int
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var writing = false
    private var flushRequests = 0
    private var dropped = 0
    private var started = false

    /// A sink writing to `descriptor` (which it does not own).
    init(descriptor: Int32, interval: Double = 0.01, flushBytes: Int = 64 << 10, maxBytes: Int = 8 << 20) {
        self.descriptor = descriptor
        self.interval = interval
        self.flushBytes = flushBytes
        self.maxBytes = maxBytes
    }

    /// Queues one line (with its `\n`); returns at once.
    func append(_ line: [UInt8]) {
        condition.lock()
        defer { condition.unlock() }
        guard pending.count + line.count <= maxBytes else {
            dropped += 1
            return
        }
        let wake = pending.isEmpty || pending.count + line.count >= flushBytes
        pending.append(contentsOf: line)
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "batch-openai.log-writer"
            thread.start()
        }
        if wake { condition.broadcast() }
    }

    /// Waits until every line appended before the call is written, for at most `timeout` seconds.
    func flush(timeout: Double = 5) {
        condition.lock()
        defer { condition.unlock() }
        guard started else { return }
        flushRequests += 1
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !pending.isEmpty || writing || dropped > 0 {
            guard condition.wait(until: deadline) else { break }
        }
        flushRequests -= 1
    }

    private func run() {
        var batch: [UInt8] = []
        condition.lock()
        while true {
            while pending.isEmpty && dropped == 0 { condition.wait() }
            // Let a burst gather into one write, unless someone waits for it or enough is there already.
            if flushRequests == 0 && pending.count < flushBytes {
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
            }
            swap(&batch, &pending)
            if dropped > 0 {
                batch.append(contentsOf: Array("log: \(dropped) line(s) dropped: standard error was not taking them\n".utf8))
                dropped = 0
            }
            writing = true
            condition.unlock()
            // A closed or failing stderr cannot be reported anywhere; the lines are given up.
            try? SystemCall.writeAll(descriptor, batch)
            batch.removeAll(keepingCapacity: batch.capacity <= 4 * flushBytes)
            condition.lock()
            writing = false
            condition.broadcast()
        }
    }
}
