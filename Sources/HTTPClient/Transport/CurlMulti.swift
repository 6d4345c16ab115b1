import CCurl
import Foundation
import Synchronization

/// A libcurl multi handle driven by one dedicated thread, so libcurl never runs on the Swift
/// concurrency pool. Tasks hand it transfers (`submit`) and cancellations (`cancel`) through a
/// locked inbox and `curl_multi_wakeup`; the thread adds, performs, polls and completes them.
/// Transfers added to one multi handle share its connection cache, so connections are reused.
///
/// Audited `@unchecked Sendable`: `multi` and `active` are touched only on the thread (the multi
/// handle's wakeup is the one call libcurl allows from elsewhere); the inbox is behind a mutex.
final class CurlMulti: @unchecked Sendable {
    private struct Inbox {
        var added: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var stopping = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    /// Creates the multi handle and starts its thread.
    init() throws {
        let code = ccurl_global_init()
        guard code == CURLE_OK else {
            let reason = ccurl_load_error().map { String(cString: $0) } ?? "curl_global_init failed"
            throw HTTPClientError(kind: .invalidRequest, message: reason)
        }
        guard let multi = ccurl_multi_init() else {
            throw HTTPClientError(kind: .invalidRequest, message: "curl_multi_init failed")
        }
        self.multi = multi
        // Idle connections kept for reuse, across hosts.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 16)
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    deinit {
        ccurl_multi_cleanup(multi)
    }

    /// Queues a transfer; its continuation is resumed on the thread when it ends.
    func submit(_ transfer: CurlTransfer) {
        inbox.withLock { $0.added.append(transfer) }
        ccurl_multi_wakeup(multi)
    }

    /// Asks the thread to abort a transfer (it completes with `.cancelled`).
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelled.store(true, ordering: .relaxed)
        inbox.withLock { $0.cancelled.append(transfer) }
        ccurl_multi_wakeup(multi)
    }

    /// Stops the thread: transfers still running complete with `.cancelled`.
    func stop() {
        inbox.withLock { $0.stopping = true }
        ccurl_multi_wakeup(multi)
    }

    // MARK: - The thread

    private func run() {
        while true {
            let work = inbox.withLock { state -> Inbox in
                let taken = state
                state.added = []
                state.cancelled = []
                return taken
            }
            for transfer in work.added {
                if work.stopping || transfer.cancelled.load(ordering: .relaxed) {
                    transfer.complete(.failure(.cancelled))
                    continue
                }
                let code = ccurl_multi_add_handle(multi, transfer.handle)
                if code == CURLM_OK {
                    active[transfer.handle] = transfer
                } else {
                    let text = String(cString: ccurl_multi_strerror(code))
                    transfer.complete(.failure(HTTPClientError(kind: .invalidRequest, message: "curl_multi_add_handle: \(text)")))
                }
            }
            for transfer in work.cancelled where active[transfer.handle] === transfer {
                finish(transfer, .failure(.cancelled))
            }
            if work.stopping {
                for transfer in Array(active.values) { finish(transfer, .failure(.cancelled)) }
                return
            }

            var running: Int32 = 0
            _ = ccurl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = ccurl_multi_info_read(multi, &queued) {
                guard ccurl_msg_is_done(message) != 0, let handle = ccurl_msg_easy_handle(message),
                      let transfer = active[handle] else { continue }
                let result = ccurl_msg_result(message)
                finish(transfer, transfer.outcome(result))
            }
            var ready: Int32 = 0
            // Wakes on socket activity, curl's own timers, or curl_multi_wakeup.
            _ = ccurl_multi_poll(multi, active.isEmpty ? 60_000 : 1000, &ready)
        }
    }

    private func finish(_ transfer: CurlTransfer, _ outcome: CurlTransfer.Outcome) {
        _ = ccurl_multi_remove_handle(multi, transfer.handle)
        active[transfer.handle] = nil
        transfer.complete(outcome)
    }
}
