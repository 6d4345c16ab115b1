import Foundation
import OpenAIClient
import Synchronization

/// A `BatchBackend` held in memory, for tests of the coordinator and the REST routes without a simulator,
/// a socket or libcurl.
///
/// Files are bytes in a dictionary (an upload reads the file at its path). A batch moves through its
/// statuses either by the test (`setStatus`, `finish`) or, with `.onePerRetrieve`, one step per
/// `retrieveBatch` (validating → in_progress → finalizing → the chosen end). Ending a batch with results
/// writes its output and error files: supplied by the test, or answered from the input lines (`Outcome`).
/// `failNext` and `makeNextAmbiguous` inject failures, `holdNext` keeps a call in flight until released,
/// `holdAnswerOfNext` does the same after the call took effect;
/// `calls` records every call in order.
package final class InMemoryBackend: BatchBackend, Sendable {
    /// The operations of `BatchBackend`, to count calls and aim failures.
    package enum Operation: String, Sendable, Hashable, CaseIterable {
        case uploadFile, retrieveFile, downloadFileContent, deleteFile, createBatch, retrieveBatch, cancelBatch, listBatches
    }

    /// One call as it was made, with its main argument (a path, an id, the input file id of a create).
    package struct Call: Sendable, Hashable, CustomStringConvertible {
        /// Which operation.
        package let operation: Operation
        /// Its main argument; empty for a list.
        package let argument: String

        package var description: String { "\(operation.rawValue)(\(argument))" }
    }

    /// How batches move without the test's help.
    package enum Progression: Sendable, Hashable {
        /// Only `setStatus` and `finish` move them.
        case manual
        /// Each `retrieveBatch` moves one step towards `end` (a terminal status), with `Outcome` deciding the results.
        case onePerRetrieve(end: BatchStatus = .completed)
    }

    /// Which answers a batch that ends with results gets, when the test does not supply the files.
    package struct Outcome: Sendable, Hashable {
        /// Requests answered with an error line (HTTP 400 in the error file).
        package var failing: Set<String>
        /// Requests in neither file, as a backend that lost them would leave them.
        package var missing: Set<String>
        /// For an expired or cancelled batch: how many of the remaining lines (in input order) ran before the end;
        /// the others go to the error file as `batch_expired` / `batch_cancelled`. Nil: the request counts' `completed`.
        package var ran: Int?

        /// Every request answered, none failing, none missing.
        package init(failing: Set<String> = [], missing: Set<String> = [], ran: Int? = nil) {
            self.failing = failing
            self.missing = missing
            self.ran = ran
        }
    }

    /// A failure waiting for the next call of an operation.
    enum Failure: Sendable {
        /// Throw without doing anything.
        case fail(OpenAIError)
        /// Do the operation (a batch is created, a file stored), then throw as if the answer was lost.
        case ambiguous(OpenAIError)
    }

    struct StoredBatch: Sendable {
        var batch: Batch
        var sequence: Int
        var outcome: Outcome?
    }

    struct State: Sendable {
        var files: [String: (object: FileObject, bytes: [UInt8])] = [:]
        var batches: [String: StoredBatch] = [:]
        var failures: [Operation: [Failure]] = [:]
        var holds: [Operation: [Hold]] = [:]
        var answerHolds: [Operation: [Hold]] = [:]
        var calls: [Call] = []
        var nextNumber = 1
        var now = 1_700_000_000
        var progression: Progression
        var outcome = Outcome()
    }

    let state: Mutex<State>

    /// An empty backend whose batches move as `progression` says.
    package init(progression: Progression = .onePerRetrieve()) {
        state = Mutex(State(progression: progression))
    }

    // MARK: - What the test sees and sets

    /// Every call so far, in order.
    package var calls: [Call] { state.withLock { $0.calls } }

    /// How many calls of `operation` were made.
    package func count(_ operation: Operation) -> Int {
        state.withLock { $0.calls.filter { $0.operation == operation }.count }
    }

    /// How batches move from now on.
    package var progression: Progression {
        get { state.withLock { $0.progression } }
        set { state.withLock { $0.progression = newValue } }
    }

    /// The outcome of batches that end without one of their own (`setOutcome`).
    package var outcome: Outcome {
        get { state.withLock { $0.outcome } }
        set { state.withLock { $0.outcome = newValue } }
    }

    /// The outcome of one batch when it ends.
    package func setOutcome(_ outcome: Outcome, for id: String) {
        state.withLock { $0.batches[id]?.outcome = outcome }
    }

    /// The next `times` calls of `operation` throw `error` and do nothing.
    package func failNext(_ operation: Operation, with error: OpenAIError, times: Int = 1) {
        state.withLock { $0.failures[operation, default: []] += Array(repeating: .fail(error), count: times) }
    }

    /// The next call of `operation` takes effect, then throws `error`: the caller cannot tell whether it happened.
    package func makeNextAmbiguous(_ operation: Operation, error: OpenAIError = InMemoryBackend.timeout()) {
        state.withLock { $0.failures[operation, default: []].append(.ambiguous(error)) }
    }

    /// A batch as the backend holds it now, without recording a call or moving it.
    package func peek(batch id: String) -> Batch? {
        state.withLock { $0.batches[id]?.batch }
    }

    /// Every batch, newest first, without recording a call.
    package var allBatches: [Batch] {
        state.withLock { $0.batches.values.sorted { $0.sequence > $1.sequence }.map(\.batch) }
    }

    /// The bytes of a stored file, without recording a call.
    package func peek(file id: String) -> [UInt8]? {
        state.withLock { $0.files[id]?.bytes }
    }

    /// Ids of the stored files.
    package var fileIDs: Set<String> {
        state.withLock { Set($0.files.keys) }
    }
}
