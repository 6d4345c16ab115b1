import CLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One `epoll` thread that tells suspended tasks when their sockets are ready.
///
/// The thread is a pthread of its own, never one of the Swift concurrency pool's threads, so
/// `epoll_wait` blocks nobody. Each descriptor is registered once, `EPOLLONESHOT`, and armed
/// (`EPOLL_CTL_MOD`) only for the directions a task has parked on: a busy connection whose reads
/// find their bytes already there never wakes this thread, which would otherwise run once per
/// request just to note readiness nobody waits for, taking a core from the pool at each wake-up.
/// An `eventfd` wakes the thread for shutdown and when a new deadline is earlier than the one it
/// sleeps until.
///
/// Call `shutdown()` when done: the thread keeps the loop alive until then.
public final class EventLoop: Sendable {
    private let epollFD: Int32
    private let wakeFD: Int32
    private let state: Mutex<State>
    private let waiterIDs = Atomic<UInt64>(1)

    /// The epoll data of the eventfd; no registration has generation 0.
    private static let wakeToken: UInt64 = 0
    private static let eventCapacity = 256

    /// Creates the epoll instance and the eventfd and starts the loop's thread.
    public init() throws {
        Self.ignoreBrokenPipe
        let epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        try Syscall.check("epoll_create1", epollFD)
        let wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        if wakeFD < 0 {
            let code = clinux_errno()
            Glibc.close(epollFD)
            throw TransportError.system("eventfd", errno: code)
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        self.state = Mutex(State(epollFD: epollFD))

        // Level-triggered: the loop drains the counter each time it fires.
        var event = clinux_epoll_event_make(EPOLLIN.rawValue, Self.wakeToken)
        try Syscall.check("epoll_ctl(ADD eventfd)", epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event))

        // The thread holds a strong reference until it exits, which `shutdown()` causes.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<EventLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<EventLoop>.fromOpaque(context).release()
            throw TransportError.system("pthread_create", errno: result)
        }
        state.withLock { $0.thread = thread }
    }

    deinit {
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
    }

    /// `sendfile(2)` has no `MSG_NOSIGNAL`; a peer that is gone must give `EPIPE`, not kill us.
    private static let ignoreBrokenPipe: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    // MARK: public waiting API

    /// Suspends until `fd` is readable, hung up or in error (the caller's next read then sees
    /// which), until `deadline` passes (throws `.timedOut`), the task is cancelled (throws
    /// `CancellationError`) or the loop shuts down (throws `.closed`).
    ///
    /// Registers `fd` on first use; call `deregister(_:)` before closing it.
    public func waitReadable(_ fd: Int32, deadline: ContinuousClock.Instant?) async throws {
        try await wait(registration(of: fd), .read, deadline: deadline)
    }

    /// Suspends until `fd` is writable, hung up or in error; otherwise like `waitReadable`.
    public func waitWritable(_ fd: Int32, deadline: ContinuousClock.Instant?) async throws {
        try await wait(registration(of: fd), .write, deadline: deadline)
    }

    /// Removes `fd` from the loop and fails its waiters with `.closed`; call before `close(2)`.
    public func deregister(_ fd: Int32) {
        guard let registration = state.withLock({ $0.registration(of: fd) }) else { return }
        deregister(registration)
    }

    /// Stops the thread, fails every waiter with `.closed` and joins the thread. Idempotent;
    /// must not be called from the loop's own thread (nothing of ours runs there).
    public func shutdown() {
        let (failed, thread) = state.withLock { state -> ([Resumption], pthread_t?) in
            let failed = state.isShutDown ? [] : state.shutDown()
            let thread = state.thread
            state.thread = nil
            return (failed, thread)
        }
        for resumption in failed {
            resumption.run()
        }
        guard let thread else { return }
        wake()
        pthread_join(thread, nil)
    }

    /// How many waits (reads, writes, accepts) are parked now: tests wait for a wait to park before they act,
    /// instead of sleeping and hoping it did.
    var parkedWaiterCount: Int {
        state.withLock { state in
            state.entries.values.reduce(0) { $0 + ($1.reader == nil ? 0 : 1) + ($1.writer == nil ? 0 : 1) }
        }
    }

    // MARK: registrations (used by the sockets)

    /// Registers `fd` once, one-shot and not yet armed for either direction.
    func register(_ fd: Int32) throws -> Registration {
        let (registration, failed) = try state.withLock { state throws(TransportError) -> (Registration, [Resumption]) in
            guard !state.isShutDown else { throw .closed }
            let (registration, failed) = state.register(fd)
            // Under the lock, so no event can arrive before the entry that latches it exists.
            var event = clinux_epoll_event_make(State.disarmedEvents, registration.epollData)
            if epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) < 0 {
                var code = clinux_errno()
                // Still in the set: its old owner closed a duplicate, or never deregistered.
                if code == EEXIST {
                    if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) == 0 {
                        return (registration, failed)
                    }
                    code = clinux_errno()
                }
                _ = state.deregister(registration)
                throw .system("epoll_ctl(ADD)", errno: code)
            }
            return (registration, failed)
        }
        for resumption in failed {
            resumption.run()
        }
        return registration
    }

    /// Removes the registration (if still current) from epoll and fails its waiters with `.closed`.
    func deregister(_ registration: Registration) {
        let failed = state.withLock { state -> [Resumption] in
            guard let failed = state.deregister(registration) else { return [] }
            var event = clinux_epoll_event_make(0, 0)
            _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, registration.fd, &event)
            return failed
        }
        for resumption in failed {
            resumption.run()
        }
    }

    /// Waits for one direction of a registration; see `waitReadable(_:deadline:)`.
    func wait(_ registration: Registration, _ direction: Direction, deadline: ContinuousClock.Instant?) async throws {
        let id = waiterIDs.wrappingAdd(1, ordering: .relaxed).oldValue
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: Continuation) in
                let result = state.withLock { state in
                    state.park(
                        registration, direction, id: id, continuation: continuation,
                        deadline: deadline, isCancelled: Task.isCancelled
                    )
                }
                switch result {
                case .ready:
                    continuation.resume()
                case .failed(let error):
                    continuation.resume(throwing: error)
                case .parked(let wakeLoop):
                    if wakeLoop {
                        wake()
                    }
                }
            }
        } onCancel: {
            let continuation = state.withLock { $0.cancel(registration, direction, id: id) }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// The current registration of `fd`, registering it if there is none.
    private func registration(of fd: Int32) throws -> Registration {
        if let registration = state.withLock({ $0.registration(of: fd) }) {
            return registration
        }
        return try register(fd)
    }

    // MARK: the loop thread

    private func wake() {
        // EAGAIN means the counter is already non-zero: the loop wakes anyway.
        _ = eventfd_write(wakeFD, 1)
    }

    private func run() {
        var events = [epoll_event](repeating: clinux_epoll_event_make(0, 0), count: Self.eventCapacity)
        var ready = 0
        var resumptions: [Resumption] = []
        resumptions.reserveCapacity(Self.eventCapacity)
        while true {
            let now = ContinuousClock.now
            var drainWake = false
            let timeout: Int32? = events.withUnsafeBufferPointer { buffer in
                state.withLock { state -> Int32? in
                    state.wokeUp()
                    if state.isShutDown {
                        return nil
                    }
                    for index in 0..<ready {
                        let event = buffer.baseAddress! + index
                        let data = clinux_epoll_event_data(event)
                        if data == Self.wakeToken {
                            drainWake = true
                        } else {
                            state.deliver(
                                Registration(epollData: data),
                                events: clinux_epoll_event_events(event),
                                into: &resumptions
                            )
                        }
                    }
                    state.expireTimers(now: now, into: &resumptions)
                    return state.prepareToSleep(now: now)
                }
            }
            for resumption in resumptions {
                resumption.run()
            }
            resumptions.removeAll(keepingCapacity: true)
            guard let timeout else { return }
            if drainWake {
                var counter: eventfd_t = 0
                _ = eventfd_read(wakeFD, &counter)
            }

            ready = Int(epoll_wait(epollFD, &events, Int32(Self.eventCapacity), timeout))
            if ready < 0 {
                let code = clinux_errno()
                ready = 0
                if code == EINTR {
                    continue  // a signal, not a failure: recompute the timeout and wait again
                }
                // epoll itself broke (cannot happen with valid descriptors): fail everyone rather than spin.
                let failed = state.withLock { $0.shutDown() }
                for resumption in failed {
                    resumption.run()
                }
                return
            }
        }
    }
}
