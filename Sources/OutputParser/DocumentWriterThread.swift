import Foundation

/// Writes documents on a second thread while the parser decodes the next lines, through a small
/// bounded queue (memory stays bounded: at most `capacity` rendered documents wait).
///
/// Decoding and rendering cost about as much CPU as the kernel's file creation, so overlapping
/// the two is what brings a parse near a bare write loop's speed.
///
/// `@unchecked Sendable`: every mutable field is read and written only while holding `condition`,
/// and `store` is used by the writer thread alone (the parser thread only calls its read-only
/// `exists`, a `faccessat` on an immutable descriptor) until `finish()` has joined the thread.
final class DocumentWriterThread: @unchecked Sendable {
    private let store: DocumentStore
    private let condition = NSCondition()
    private var pending: [(path: String, bytes: [UInt8])] = []
    private var closed = false
    private var done = false
    private var failure: ParseError?
    private let capacity: Int

    /// Starts the writer thread for `store`.
    init(store: DocumentStore, capacity: Int = 64) {
        self.store = store
        self.capacity = capacity
        let thread = Thread { [self] in run() }
        thread.name = "batch-openai.document-writer"
        thread.start()
    }

    /// Queues one document; waits while the queue is full. Throws the writer's first error.
    func write(_ bytes: [UInt8], to path: String) throws(ParseError) {
        condition.lock()
        defer { condition.unlock() }
        while pending.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        pending.append((path, bytes))
        condition.broadcast()
    }

    /// Waits until every queued document is written and the thread has ended.
    func finish() throws(ParseError) {
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        let failure = failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty && closed {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            condition.broadcast()
            condition.unlock()
            for item in batch {
                do {
                    try store.write(item.bytes, to: item.path)
                } catch {
                    condition.lock()
                    if failure == nil { failure = error }
                    closed = true
                    pending.removeAll()
                    done = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
            }
        }
    }
}
