import Foundation
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The lifecycle on its own: events at explicit times, no I/O.
@Suite struct BatchLifecycleTests {
    let t0 = 1_700_000_000.0

    @Test func happyPath() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        #expect(lifecycle.status == .validating)
        #expect(lifecycle.expiresAt == Int(t0) + 86_400)
        #expect(try lifecycle.handle(.validationPassed(total: 2), at: t0 + 1) == [.startProcessing])
        #expect(lifecycle.status == .inProgress)
        #expect(lifecycle.inProgressAt == Int(t0) + 1)
        #expect(lifecycle.requestCounts == BatchRequestCounts(total: 2))
        #expect(try lifecycle.handle(.requestFinished(succeeded: true, usage: BatchUsage(inputTokens: 3, outputTokens: 4)), at: t0 + 2) == [])
        #expect(try lifecycle.handle(.requestFinished(succeeded: false, usage: nil), at: t0 + 3) == [])
        #expect(lifecycle.requestCounts == BatchRequestCounts(total: 2, completed: 1, failed: 1))
        #expect(try lifecycle.handle(.allRequestsFinished, at: t0 + 4) == [.writeResults])
        #expect(lifecycle.status == .finalizing)
        #expect(try lifecycle.handle(.resultsWritten(outputFileID: "file-o", errorFileID: "file-e", unfinished: 0), at: t0 + 5)
            == [.finished(.completed)])
        #expect(lifecycle.status == .completed)
        #expect(lifecycle.finalizingAt == Int(t0) + 4)
        #expect(lifecycle.completedAt == Int(t0) + 5)
        #expect(lifecycle.outputFileID == "file-o")
        #expect(lifecycle.errorFileID == "file-e")
        #expect(lifecycle.usage.totalTokens == 7)
        #expect(lifecycle.failedAt == nil && lifecycle.cancellingAt == nil && lifecycle.expiredAt == nil)
    }

    @Test func validationFailure() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        let errors = [BatchError(code: "invalid_json_line", message: "bad", line: 1)]
        #expect(try lifecycle.handle(.validationFailed(errors), at: t0 + 1) == [.finished(.failed)])
        #expect(lifecycle.status == .failed)
        #expect(lifecycle.failedAt == Int(t0) + 1)
        #expect(lifecycle.errors == errors)
        #expect(lifecycle.inProgressAt == nil)
        #expect(lifecycle.outputFileID == nil)
    }

    @Test func cancelWhileValidating() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        #expect(try lifecycle.handle(.cancelRequested, at: t0) == [.stopProcessing(unfinishedCode: "batch_cancelled")])
        #expect(lifecycle.status == .cancelling)
        #expect(throws: BatchLifecycle.TransitionError.self) { try lifecycle.handle(.validationPassed(total: 1), at: t0) }
        #expect(try lifecycle.handle(.resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0), at: t0 + 1)
            == [.finished(.cancelled)])
        #expect(lifecycle.cancelledAt == Int(t0) + 1)
        #expect(lifecycle.inProgressAt == nil)
    }

    @Test func cancelMidwayKeepsFinishedAndCountsUnfinished() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        _ = try lifecycle.handle(.validationPassed(total: 4), at: t0)
        _ = try lifecycle.handle(.requestFinished(succeeded: true, usage: nil), at: t0)
        #expect(try lifecycle.handle(.cancelRequested, at: t0 + 1) == [.stopProcessing(unfinishedCode: "batch_cancelled")])
        #expect(lifecycle.cancellingAt == Int(t0) + 1)
        // A request in flight may still finish while cancelling; a second cancel changes nothing.
        _ = try lifecycle.handle(.requestFinished(succeeded: true, usage: nil), at: t0 + 1)
        #expect(try lifecycle.handle(.cancelRequested, at: t0 + 2) == [])
        #expect(throws: BatchLifecycle.TransitionError.self) { try lifecycle.handle(.allRequestsFinished, at: t0 + 2) }
        _ = try lifecycle.handle(.resultsWritten(outputFileID: "file-o", errorFileID: "file-e", unfinished: 2), at: t0 + 3)
        #expect(lifecycle.status == .cancelled)
        #expect(lifecycle.requestCounts == BatchRequestCounts(total: 4, completed: 2, failed: 2))
    }

    @Test func expiryInProgress() throws {
        var lifecycle = BatchLifecycle(createdAt: t0, window: 86_400, speedFactor: 86_400)
        #expect(lifecycle.deadline == t0 + 1)
        _ = try lifecycle.handle(.validationPassed(total: 3), at: t0)
        _ = try lifecycle.handle(.requestFinished(succeeded: true, usage: nil), at: t0)
        #expect(try lifecycle.handle(.deadlinePassed, at: t0 + 1) == [.stopProcessing(unfinishedCode: "batch_expired")])
        #expect(lifecycle.status == .inProgress)
        #expect(lifecycle.expiring)
        #expect(try lifecycle.handle(.deadlinePassed, at: t0 + 1) == [])
        #expect(throws: BatchLifecycle.TransitionError.self) { try lifecycle.handle(.allRequestsFinished, at: t0 + 1) }
        _ = try lifecycle.handle(.resultsWritten(outputFileID: "file-o", errorFileID: "file-e", unfinished: 2), at: t0 + 2)
        #expect(lifecycle.status == .expired)
        #expect(lifecycle.expiredAt == Int(t0) + 2)
        #expect(lifecycle.completedAt == nil)
        #expect(lifecycle.requestCounts == BatchRequestCounts(total: 3, completed: 1, failed: 2))
    }

    @Test func expiryWhileFinalizing() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        _ = try lifecycle.handle(.validationPassed(total: 1), at: t0)
        _ = try lifecycle.handle(.requestFinished(succeeded: true, usage: nil), at: t0)
        _ = try lifecycle.handle(.allRequestsFinished, at: t0)
        #expect(try lifecycle.handle(.deadlinePassed, at: t0 + 86_400) == [])
        _ = try lifecycle.handle(.resultsWritten(outputFileID: "file-o", errorFileID: nil, unfinished: 0), at: t0 + 86_401)
        #expect(lifecycle.status == .expired)
        #expect(lifecycle.finalizingAt == Int(t0))
    }

    @Test func resumeStartsTheRequestsOver() throws {
        var running = try Self.lifecycle(in: .inProgress)
        _ = try running.handle(.requestFinished(succeeded: true, usage: BatchUsage(inputTokens: 1)), at: t0)
        #expect(try running.handle(.resumed, at: t0 + 5) == [.startProcessing])
        #expect(running.requestCounts == BatchRequestCounts(total: 2))
        #expect(running.usage == BatchUsage())
        #expect(running.status == .inProgress)

        var cancelling = try Self.lifecycle(in: .cancelling)
        #expect(try cancelling.handle(.resumed, at: t0) == [.stopProcessing(unfinishedCode: "batch_cancelled")])
        var finalizing = try Self.lifecycle(in: .finalizing)
        #expect(try finalizing.handle(.resumed, at: t0) == [.writeResults])
        #expect(finalizing.requestCounts.completed == 1)
        var validating = try Self.lifecycle(in: .validating)
        #expect(try validating.handle(.resumed, at: t0) == [])
        for status in [BatchStatus.completed, .failed, .expired, .cancelled] {
            var done = try Self.lifecycle(in: status)
            #expect(throws: BatchLifecycle.TransitionError.self) { try done.handle(.resumed, at: t0) }
        }
    }

    @Test func timestampsNeverGoBackwards() throws {
        var lifecycle = BatchLifecycle(createdAt: t0 + 10)
        _ = try lifecycle.handle(.validationPassed(total: 1), at: t0)  // a clock that went back
        #expect(lifecycle.inProgressAt == Int(t0) + 10)
    }

    @Test func moreFinishedRequestsThanTotalIsRefused() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        _ = try lifecycle.handle(.validationPassed(total: 1), at: t0)
        _ = try lifecycle.handle(.requestFinished(succeeded: true, usage: nil), at: t0)
        #expect(throws: BatchLifecycle.TransitionError.self) {
            try lifecycle.handle(.requestFinished(succeeded: true, usage: nil), at: t0)
        }
        #expect(lifecycle.requestCounts.completed == 1)
    }

    @Test func requestsFinishedTogetherCountAsMany() throws {
        var lifecycle = BatchLifecycle(createdAt: t0)
        _ = try lifecycle.handle(.validationPassed(total: 5), at: t0)
        let usage = BatchUsage(inputTokens: 30, outputTokens: 40)
        #expect(try lifecycle.handle(.requestsFinished(succeeded: 3, failed: 1, usage: usage), at: t0 + 1) == [])
        #expect(lifecycle.requestCounts == BatchRequestCounts(total: 5, completed: 3, failed: 1))
        #expect(lifecycle.usage == usage)
        // Two more than are left: refused whole, nothing counted.
        #expect(throws: BatchLifecycle.TransitionError.self) {
            try lifecycle.handle(.requestsFinished(succeeded: 2, failed: 0, usage: usage), at: t0 + 2)
        }
        #expect(throws: BatchLifecycle.TransitionError.self) {
            try lifecycle.handle(.requestsFinished(succeeded: -1, failed: 2, usage: usage), at: t0 + 2)
        }
        #expect(lifecycle.requestCounts == BatchRequestCounts(total: 5, completed: 3, failed: 1))
        #expect(try lifecycle.handle(.requestsFinished(succeeded: 0, failed: 1, usage: BatchUsage()), at: t0 + 2) == [])
        #expect(try lifecycle.handle(.allRequestsFinished, at: t0 + 3) == [.writeResults])
    }

    /// Events that do not apply in a state are refused and change nothing.
    @Test(arguments: [
        (BatchStatus.validating, BatchLifecycle.Event.requestFinished(succeeded: true, usage: nil)),
        (.validating, .allRequestsFinished),
        (.validating, .deadlinePassed),
        (.validating, .resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0)),
        (.inProgress, .validationPassed(total: 1)),
        (.inProgress, .validationFailed([])),
        (.inProgress, .resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0)),
        (.finalizing, .cancelRequested),
        (.finalizing, .requestFinished(succeeded: true, usage: nil)),
        (.completed, .cancelRequested),
        (.completed, .deadlinePassed),
        (.completed, .validationPassed(total: 1)),
        (.failed, .cancelRequested),
        (.failed, .validationPassed(total: 1)),
        (.cancelled, .cancelRequested),
        (.cancelled, .resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0)),
        (.expired, .cancelRequested),
    ])
    func illegalTransitions(_ status: BatchStatus, _ event: BatchLifecycle.Event) throws {
        var lifecycle = try Self.lifecycle(in: status)
        let before = lifecycle
        #expect(throws: BatchLifecycle.TransitionError.self) { try lifecycle.handle(event, at: 1_700_000_100) }
        #expect(lifecycle == before)
    }

    /// A lifecycle driven into `status` through legal events.
    static func lifecycle(in status: BatchStatus) throws -> BatchLifecycle {
        let t = 1_700_000_000.0
        var l = BatchLifecycle(createdAt: t)
        switch status {
        case .validating: break
        case .failed: _ = try l.handle(.validationFailed([]), at: t)
        case .inProgress: _ = try l.handle(.validationPassed(total: 2), at: t)
        case .finalizing, .completed, .expired:
            _ = try l.handle(.validationPassed(total: 1), at: t)
            _ = try l.handle(.requestFinished(succeeded: true, usage: nil), at: t)
            _ = try l.handle(.allRequestsFinished, at: t)
            if status == .expired { _ = try l.handle(.deadlinePassed, at: t) }
            if status != .finalizing { _ = try l.handle(.resultsWritten(outputFileID: "f", errorFileID: nil, unfinished: 0), at: t) }
        case .cancelling, .cancelled:
            _ = try l.handle(.cancelRequested, at: t)
            if status == .cancelled { _ = try l.handle(.resultsWritten(outputFileID: nil, errorFileID: nil, unfinished: 0), at: t) }
        case .unknown: break
        }
        #expect(l.status == status)
        return l
    }
}
