/// Lets one task at a time through per key; others with the same key wait their turn (FIFO).
///
/// Submission holds it for an input's idempotency key from the look-up of an earlier batch until the new
/// one is recorded, so two identical submissions at once make one batch, not two.
actor KeyedGate<Key: Hashable & Sendable> {
    private var waiting: [Key: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` once no other holder of `key` is inside.
    func withKey<T: Sendable, E: Error>(_ key: Key, _ body: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await enter(key)
        let result: Result<T, E>
        do throws(E) {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        leave(key)
        return try result.get()
    }

    private func enter(_ key: Key) async {
        if waiting[key] == nil {
            waiting[key] = []
            return
        }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    private func leave(_ key: Key) {
        guard var queue = waiting[key], !queue.isEmpty else {
            waiting[key] = nil
            return
        }
        let next = queue.removeFirst()
        waiting[key] = queue
        next.resume()
    }
}
