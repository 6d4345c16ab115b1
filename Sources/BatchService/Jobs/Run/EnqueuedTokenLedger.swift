import Foundation

/// The enqueued-token budget shared by every job this process drives (docs/ARCHITECTURE.md § Jobs): per model,
/// the estimated input tokens of the batches it has upstream (from just before their create until their run
/// stops waiting on them). A slot takes its tokens before its create goes out and waits while they do not fit.
///
/// A slot alone over the limit is let through when nothing of its model is held (the planner never makes one,
/// but a hand-made plan or a lowered limit could, and it must not wait forever). The holding is conservative:
/// tokens are held through `validating`, `in_progress` and `finalizing`, and released when the run has seen the
/// batch end, so the service never has more enqueued than the budget.
actor EnqueuedTokenLedger {
    private struct Waiter {
        let id: Int
        let model: String
        let tokens: Int
        let limit: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private var held: [String: Int] = [:]
    private var waiters: [Waiter] = []
    private var nextID = 0

    /// The tokens held now, per model (`""` for batches without one).
    var snapshot: [String: Int] { held }

    /// How many reservations are waiting.
    var waiting: Int { waiters.count }

    /// Takes `tokens` of `model`'s budget, waiting until they fit under `limit` (none: at once), or until
    /// `deadline` passes or the task is cancelled (then false, nothing taken).
    func reserve(_ tokens: Int, model: String?, limit: Int?, deadline: ContinuousClock.Instant) async -> Bool {
        let model = model ?? ""
        guard let limit else {
            held[model, default: 0] += tokens
            return true
        }
        if waiters.allSatisfy({ $0.model != model }), fits(tokens, model, limit) {
            held[model, default: 0] += tokens
            return true
        }
        nextID += 1
        let id = nextID
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            await self?.drop(id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append(Waiter(id: id, model: model, tokens: tokens, limit: limit, continuation: continuation))
                if Task.isCancelled { drop(id) }
            }
        } onCancel: {
            Task { await self.drop(id) }
        }
    }

    /// Gives back what `reserve` took, and lets in the waiters that now fit, first come first served per model.
    func release(_ tokens: Int, model: String?) {
        let model = model ?? ""
        held[model] = max(0, (held[model] ?? 0) - tokens)
        if held[model] == 0 { held[model] = nil }
        admit()
    }

    /// Holds tokens without waiting: the batches a resumed job finds running upstream.
    func hold(_ tokens: Int, model: String?) {
        held[model ?? "", default: 0] += tokens
    }

    private func fits(_ tokens: Int, _ model: String, _ limit: Int) -> Bool {
        let current = held[model] ?? 0
        return current == 0 || current + tokens <= limit
    }

    private func admit() {
        var blocked: Set<String> = []
        var index = 0
        while index < waiters.count {
            let waiter = waiters[index]
            if !blocked.contains(waiter.model), fits(waiter.tokens, waiter.model, waiter.limit) {
                held[waiter.model, default: 0] += waiter.tokens
                waiters.remove(at: index)
                waiter.continuation.resume(returning: true)
            } else {
                blocked.insert(waiter.model)
                index += 1
            }
        }
    }

    private func drop(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(returning: false)
        admit()
    }
}
