import Synchronization

/// Decides, request by request, which fault (if any) to inject; counts what it injected.
/// Thread-safe: the middleware asks from many connections at once.
public final class FaultInjector: Sendable {
    private struct State {
        var configuration: FaultConfiguration
        var generator: SeededGenerator
        var injected: [String: Int] = [:]
    }

    private let state: Mutex<State>

    /// Creates an injector with a configuration and the seed of its probabilities.
    public init(configuration: FaultConfiguration, seed: UInt64) {
        state = Mutex(State(configuration: configuration, generator: SeededGenerator(seed: seed)))
    }

    /// Appends faults to the schedule (consumed before any probability applies).
    public func schedule(_ faults: [ScheduledFault]) {
        state.withLock { $0.configuration.schedule += faults }
    }

    /// Replaces the probabilities and schedule.
    public func reconfigure(_ configuration: FaultConfiguration) {
        state.withLock { $0.configuration = configuration }
    }

    /// How many faults were injected, in all.
    public var injectedCount: Int {
        state.withLock { $0.injected.values.reduce(0, +) }
    }

    /// How many of each fault (by its description, e.g. `status 503`, `drop`) were injected.
    public var injectedByKind: [String: Int] {
        state.withLock { $0.injected }
    }

    /// The fault for a request, if one is due.
    public func nextFault(method: String, path: String) -> Fault? {
        state.withLock { s in
            if let index = s.configuration.schedule.firstIndex(where: { $0.matches(method: method, path: path) }) {
                let fault = s.configuration.schedule[index].fault
                s.configuration.schedule[index].count -= 1
                if s.configuration.schedule[index].count <= 0 { s.configuration.schedule.remove(at: index) }
                s.injected[Self.kind(fault), default: 0] += 1
                return fault
            }
            let c = s.configuration
            let draws: [(Double, Fault)] = [
                (c.rateLimitRate, .rateLimited(retryAfter: c.retryAfterSeconds)),
                (c.serverErrorRate, .status(500)),
                (c.unavailableRate, .status(503)),
                (c.dropRate, .dropConnection),
                (c.slowRate, .slow(c.slowDelay)),
            ]
            guard draws.contains(where: { $0.0 > 0 }) else { return nil }
            var roll = s.generator.nextUnit()
            for (rate, fault) in draws where rate > 0 {
                if roll < rate {
                    s.injected[Self.kind(fault), default: 0] += 1
                    return fault
                }
                roll -= rate
            }
            return nil
        }
    }

    private static func kind(_ fault: Fault) -> String {
        switch fault {
        case .status(let code, _): "status \(code)"
        case .dropConnection: "drop"
        case .slow: "slow"
        }
    }
}
