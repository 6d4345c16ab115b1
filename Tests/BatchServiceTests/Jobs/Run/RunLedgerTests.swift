import Foundation
import Testing
import TestSupport

@testable import BatchService

/// The enqueued-token ledger every job of a process shares.
@Suite("Enqueued-token ledger")
struct RunLedgerTests {
    @Test func aReservationOverTheLimitWaitsForARelease() async throws {
        let ledger = EnqueuedTokenLedger()
        let far = ContinuousClock.now + .seconds(60)
        #expect(await ledger.reserve(60, model: "m", limit: 100, deadline: far))
        let second = Task { await ledger.reserve(60, model: "m", limit: 100, deadline: far) }
        // Another model is not held up.
        #expect(await ledger.reserve(90, model: "other", limit: 100, deadline: far))
        #expect(await ledger.snapshot == ["m": 60, "other": 90])
        await ledger.release(60, model: "m")
        #expect(await second.value)
        #expect(await ledger.snapshot["m"] == 60)
    }

    @Test func aReservationGivesUpAtItsDeadline() async throws {
        let ledger = EnqueuedTokenLedger()
        #expect(await ledger.reserve(80, model: nil, limit: 100, deadline: .now + .seconds(60)))
        #expect(!(await ledger.reserve(80, model: nil, limit: 100, deadline: .now + .milliseconds(20))))
        #expect(await ledger.snapshot == ["": 80])
    }

    @Test func aBatchAloneOverTheLimitIsLetThroughWhenNothingElseIsHeld() async throws {
        let ledger = EnqueuedTokenLedger()
        #expect(await ledger.reserve(500, model: "m", limit: 100, deadline: .now + .seconds(60)))
        await ledger.release(500, model: "m")
        #expect(await ledger.snapshot.isEmpty)
    }

    @Test func aSmallReservationDoesNotOvertakeAWaitingOne() async throws {
        let ledger = EnqueuedTokenLedger()
        let far = ContinuousClock.now + .seconds(60)
        #expect(await ledger.reserve(50, model: "m", limit: 100, deadline: far))
        let big = Task { await ledger.reserve(90, model: "m", limit: 100, deadline: far) }
        _ = try await waitUntil(timeout: .seconds(10), pollEvery: .milliseconds(5), { await ledger.waiting }, satisfies: { $0 == 1 })
        // 10 would fit beside the 50 held, but the 90 asked first: it waits its turn (no starvation of big batches).
        let small = Task { await ledger.reserve(10, model: "m", limit: 100, deadline: far) }
        _ = try await waitUntil(timeout: .seconds(10), pollEvery: .milliseconds(5), { await ledger.waiting }, satisfies: { $0 == 2 })
        await ledger.release(50, model: "m")
        #expect(await big.value)
        #expect(await small.value)
        #expect(await ledger.snapshot == ["m": 100])
    }
}
