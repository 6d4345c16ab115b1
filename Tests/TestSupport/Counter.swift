import Synchronization

/// A shared count that a fake handler bumps and a test waits on (`waitUntil { counter.value } satisfies: ...`).
package final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    /// A count at zero.
    package init() {}

    /// The current count.
    package var value: Int { count.load(ordering: .sequentiallyConsistent) }

    /// Adds one.
    package func increment() {
        _ = count.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }
}
