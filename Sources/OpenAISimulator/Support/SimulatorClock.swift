import Foundation
import Synchronization

/// Where the simulator reads the time: Unix seconds, fractional. Injected so tests can move time by hand.
public protocol SimulatorClock: Sendable {
    /// The current time in Unix seconds.
    func now() -> Double
}

/// The wall clock.
public struct SystemSimulatorClock: SimulatorClock {
    /// Creates the wall clock.
    public init() {}

    /// `Date().timeIntervalSince1970`.
    public func now() -> Double { Date().timeIntervalSince1970 }
}

/// A clock that moves only when told to, for tests.
public final class ManualSimulatorClock: SimulatorClock {
    private let current: Mutex<Double>

    /// Starts at `start` Unix seconds.
    public init(start: Double = 1_700_000_000) {
        current = Mutex(start)
    }

    /// The time set so far.
    public func now() -> Double { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: Double) {
        current.withLock { $0 += seconds }
    }
}
