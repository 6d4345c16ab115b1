/// A wait for a condition that ran past its deadline; its description names what was last seen.
package struct WaitTimedOut: Error, CustomStringConvertible {
    /// What was waited for, where, and the last value observed.
    package let description: String
}

/// Polls `observe` every `pollEvery` until `condition` holds for what it returned, and returns that value.
///
/// Instead of sleeping a fixed time and hoping the other side got there: the test goes on as soon as the
/// condition holds, and a condition that never holds fails the test (by throwing `WaitTimedOut`) with the
/// last value seen, instead of a confusing assertion further down. Errors thrown by `observe` end the wait.
@discardableResult
package func waitUntil<Seen>(
    timeout: Duration = .seconds(20),
    pollEvery: Duration = .milliseconds(5),
    fileID: String = #fileID,
    line: Int = #line,
    _ observe: () async throws -> Seen,
    satisfies condition: (Seen) throws -> Bool
) async throws -> Seen {
    let deadline = ContinuousClock.now + timeout
    while true {
        let seen = try await observe()
        if try condition(seen) { return seen }
        guard ContinuousClock.now < deadline else {
            throw WaitTimedOut(description: "\(fileID):\(line): condition not met within \(timeout); last seen: \(seen)")
        }
        try await Task.sleep(for: pollEvery)
    }
}

/// Polls `condition` every `pollEvery` until it is true; past `timeout` throws `WaitTimedOut` naming `what`
/// and, when given, what `lastSeen` describes at that moment.
package func waitUntil(
    timeout: Duration = .seconds(20),
    pollEvery: Duration = .milliseconds(5),
    _ what: String,
    lastSeen: () async -> String = { "false" },
    fileID: String = #fileID,
    line: Int = #line,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw WaitTimedOut(description: "\(fileID):\(line): \(what) not true within \(timeout); last seen: \(await lastSeen())")
        }
        try await Task.sleep(for: pollEvery)
    }
}
