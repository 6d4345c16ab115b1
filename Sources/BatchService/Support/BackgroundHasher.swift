import Foundation

/// Hashes chunks with SHA-256 on its own thread while the caller validates and copies them, so one pass
/// over a 200 MB input costs the slower of the two instead of their sum (the hash runs ~350 MB/s here,
/// validation several times faster).
///
/// Protocol: `hash(_:)` hands over a chunk and returns at once; the chunk's memory must stay untouched
/// until the *next* `hash(_:)` or `finish()` returns, which first wait for the previous chunk. With two
/// buffers used in turn (`FileChunkReader(bufferCount: 2)`) the reader never waits on a buffer in use.
final class BackgroundHasher: @unchecked Sendable {
    // Audited: every mutable field is read and written only while `condition` is locked; the hashing
    // thread touches the chunk's bytes only between taking it and clearing `chunk`, during which the
    // caller waits (in `hash` or `finish`) before reusing that memory.
    private let condition = NSCondition()
    private var chunk: UnsafeRawBufferPointer?
    private var done = false
    private var digest: String?
    private var state = SHA256()

    /// Starts the hashing thread.
    init() {
        let thread = Thread { [self] in work() }
        thread.name = "batch-openai.sha256"
        thread.start()
    }

    /// Hands over the next chunk (after the previous one is hashed).
    func hash(_ bytes: UnsafeRawBufferPointer) {
        condition.lock()
        while chunk != nil { condition.wait() }
        chunk = bytes
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the last chunk, stops the thread and returns the digest in hex.
    func finish() -> String {
        condition.lock()
        while chunk != nil { condition.wait() }
        done = true
        condition.broadcast()
        while digest == nil { condition.wait() }
        let result = digest!
        condition.unlock()
        return result
    }

    private func work() {
        condition.lock()
        while true {
            while chunk == nil, !done { condition.wait() }
            if let bytes = chunk {
                // Hash outside the lock; the caller does not touch these bytes until `chunk` is cleared.
                var local = state
                condition.unlock()
                local.update(bytes)
                condition.lock()
                state = local
                chunk = nil
                condition.broadcast()
                continue
            }
            digest = state.finalizeHex()
            condition.broadcast()
            condition.unlock()
            return
        }
    }
}
