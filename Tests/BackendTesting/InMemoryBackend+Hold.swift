import OpenAIClient
import Synchronization

/// A call of the in-memory backend held in flight until the test releases it, like a transfer that hangs.
package final class Hold: Sendable {
    private struct State {
        var holding = false
        var released = false
    }
    private let state = Mutex(State())

    init() {}

    /// Whether the held call has arrived and is waiting.
    package var isHolding: Bool { state.withLock { $0.holding } }

    /// Lets the held call go on (or one that arrives later pass straight through).
    package func release() {
        state.withLock { $0.released = true }
    }

    /// Waits until released; cancelling the task aborts the call as the real client aborts a transfer.
    func wait(_ operation: InMemoryBackend.Operation) async throws {
        state.withLock { $0.holding = true }
        defer { state.withLock { $0.holding = false } }
        while !state.withLock({ $0.released }) {
            // Polling inside a fake: the delay is the behaviour being injected, not a test waiting for something.
            do {
                try await Task.sleep(for: .milliseconds(2))
            } catch {
                throw OpenAIError(kind: .cancelled, message: "\(operation.rawValue) cancelled (in-memory backend)")
            }
        }
    }
}

extension InMemoryBackend {
    /// The next call of `operation` stays in flight until the returned hold is released (or its task cancelled).
    package func holdNext(_ operation: Operation) -> Hold {
        let hold = Hold()
        state.withLock { $0.holds[operation, default: []].append(hold) }
        return hold
    }

    /// The next call of `operation` takes effect (a batch is created, a file stored), then its answer stays
    /// in flight until the returned hold is released: a process killed now never learns what it made.
    package func holdAnswerOfNext(_ operation: Operation) -> Hold {
        let hold = Hold()
        state.withLock { $0.answerHolds[operation, default: []].append(hold) }
        return hold
    }

    /// Waits out the hold of an answer due for `operation`, if there is one.
    func passAnswerHold(_ operation: Operation) async throws {
        let hold = state.withLock { state -> Hold? in
            guard var due = state.answerHolds[operation], !due.isEmpty else { return nil }
            let hold = due.removeFirst()
            state.answerHolds[operation] = due
            return hold
        }
        try await hold?.wait(operation)
    }

    /// Waits out the hold due for `operation`, if there is one.
    func passHold(_ operation: Operation) async throws {
        let hold = state.withLock { state -> Hold? in
            guard var due = state.holds[operation], !due.isEmpty else { return nil }
            let hold = due.removeFirst()
            state.holds[operation] = due
            return hold
        }
        try await hold?.wait(operation)
    }
}
