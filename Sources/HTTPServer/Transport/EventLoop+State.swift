import CLinux

#if canImport(Glibc)
import Glibc
#endif
import SystemIO

extension EventLoop {
    /// A descriptor registered with the loop, told apart by `generation` from a later descriptor
    /// that reuses the same number, so a stale event or waiter can never reach the new one.
    struct Registration: Sendable, Hashable {
        /// The registered file descriptor.
        let fd: Int32
        /// Unique per registration; 0 is reserved for the loop's own eventfd.
        let generation: UInt32

        /// The 64-bit `epoll_event.data` that carries both halves.
        var epollData: UInt64 {
            UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
        }

        init(fd: Int32, generation: UInt32) {
            self.fd = fd
            self.generation = generation
        }

        init(epollData: UInt64) {
            fd = Int32(bitPattern: UInt32(truncatingIfNeeded: epollData))
            generation = UInt32(truncatingIfNeeded: epollData >> 32)
        }
    }

    /// Which readiness a waiter waits for.
    enum Direction: Sendable {
        case read
        case write
    }

    /// Unsafe rather than checked: `State` hands each continuation out exactly once, under the
    /// lock, so double resumption cannot happen, and the readiness path is the hottest one we have.
    typealias Continuation = UnsafeContinuation<Void, any Error>

    /// A task parked until one direction of one descriptor is ready.
    struct Waiter {
        let id: UInt64
        let continuation: Continuation
        let hasDeadline: Bool
    }

    /// A continuation taken out of the state, to be resumed after the lock is released.
    struct Resumption {
        let continuation: Continuation
        let error: (any Error)?

        func run() {
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume()
            }
        }
    }

    /// A deadline of one parked waiter; ordered by deadline for the heap.
    struct Timer: Comparable {
        let deadline: ContinuousClock.Instant
        let waiterID: UInt64
        let registration: Registration
        let direction: Direction

        static func < (lhs: Timer, rhs: Timer) -> Bool {
            lhs.deadline < rhs.deadline
        }

        static func == (lhs: Timer, rhs: Timer) -> Bool {
            lhs.deadline == rhs.deadline && lhs.waiterID == rhs.waiterID
        }
    }

    /// Per-descriptor readiness latches and at most one parked waiter per direction.
    ///
    /// A latch records an edge that arrived while nobody waited, so the next waiter returns at
    /// once instead of missing it (an event that fired for a waiter that has since gone, say timed out).
    struct Entry {
        let generation: UInt32
        var readable = false
        var writable = false
        var reader: Waiter?
        var writer: Waiter?
        /// The directions the kernel reports (`EPOLLONESHOT`: none once an event fired, until re-armed).
        var armed: UInt32 = 0

        init(generation: UInt32) {
            self.generation = generation
        }
    }

    /// What `park` decided.
    enum ParkResult {
        /// The direction was already latched ready: the caller retries its system call.
        case ready
        /// The waiter cannot wait; resume it with this error.
        case failed(any Error)
        /// The waiter is parked; when `wakeLoop`, the loop sleeps past the new deadline and must
        /// be woken through the eventfd to recompute its timeout.
        case parked(wakeLoop: Bool)
    }

    /// Everything the loop thread and the waiting tasks share, behind one lock.
    ///
    /// A value type whose methods take an event and return the continuations to resume, so the
    /// loop never resumes anything while it holds the lock.
    struct State {
        /// The epoll instance, for re-arming one-shot registrations under this lock.
        let epollFD: Int32
        var entries: [Int32: Entry] = [:]
        var timers = TimerHeap<Timer>()
        /// Parked waiters that have a deadline; the heap holds these plus stale entries.
        var liveTimers = 0
        var nextGeneration: UInt32 = 1
        var isShutDown = false
        /// The loop thread is (about to be) inside `epoll_wait` until `sleepsUntil` (nil: forever).
        var loopIsSleeping = false
        var sleepsUntil: ContinuousClock.Instant?
        var wakeRequested = false
        /// The loop's thread until someone joins it.
        var thread: pthread_t?

        // MARK: registration

        /// Creates the entry for `fd`; a previous entry (its descriptor was closed without
        /// deregistering and the number reused) is replaced and its waiters fail with `.closed`.
        mutating func register(_ fd: Int32) -> (Registration, [Resumption]) {
            var failed: [Resumption] = []
            if let old = entries.removeValue(forKey: fd) {
                collect(old, error: TransportError.closed, into: &failed)
            }
            let generation = nextGeneration
            nextGeneration = nextGeneration == UInt32.max ? 1 : nextGeneration + 1
            entries[fd] = Entry(generation: generation)
            return (Registration(fd: fd, generation: generation), failed)
        }

        /// The events a registration is added with: one-shot and, until a waiter arms it, no direction.
        static let disarmedEvents = EPOLLET.rawValue | EPOLLONESHOT.rawValue

        /// The epoll mask that wakes the entry's parked waiters.
        static func wantedEvents(_ entry: Entry) -> UInt32 {
            var events: UInt32 = 0
            if entry.reader != nil { events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
            if entry.writer != nil { events |= EPOLLOUT.rawValue }
            return events
        }

        /// Enables in the kernel the directions the parked waiters need, if they are not already.
        /// `EPOLL_CTL_MOD` polls the descriptor, so readiness that came before it is reported, not lost.
        /// Returns the errno when the kernel refused (the descriptor was closed behind the loop's back).
        @discardableResult
        mutating func arm(_ fd: Int32, _ entry: inout Entry) -> Int32? {
            let wanted = Self.wantedEvents(entry)
            guard wanted != 0, wanted & ~entry.armed != 0 else { return nil }
            var event = clinux_epoll_event_make(wanted | Self.disarmedEvents, Registration(fd: fd, generation: entry.generation).epollData)
            guard epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) == 0 else { return clinux_errno() }
            entry.armed = wanted
            return nil
        }

        /// Removes the entry if it still belongs to `registration`; its waiters fail with `.closed`.
        /// Returns nil when the registration is no longer current.
        mutating func deregister(_ registration: Registration) -> [Resumption]? {
            guard let entry = entries[registration.fd], entry.generation == registration.generation else {
                return nil
            }
            entries[registration.fd] = nil
            var failed: [Resumption] = []
            collect(entry, error: TransportError.closed, into: &failed)
            return failed
        }

        /// The current registration of `fd`, if any.
        func registration(of fd: Int32) -> Registration? {
            entries[fd].map { Registration(fd: fd, generation: $0.generation) }
        }

        // MARK: waiting

        /// Parks a waiter unless the direction is already latched ready, the deadline passed,
        /// the task is cancelled, or the registration or the loop is gone.
        ///
        /// `isCancelled` must be read under the lock: the cancellation handler takes the same
        /// lock, so either it sees the parked waiter or this sees the cancelled flag.
        mutating func park(
            _ registration: Registration,
            _ direction: Direction,
            id: UInt64,
            continuation: Continuation,
            deadline: ContinuousClock.Instant?,
            isCancelled: Bool
        ) -> ParkResult {
            if isShutDown {
                return .failed(TransportError.closed)
            }
            guard var entry = entries[registration.fd], entry.generation == registration.generation else {
                return .failed(TransportError.closed)
            }
            if isCancelled {
                return .failed(CancellationError())
            }
            switch direction {
            case .read:
                if entry.readable {
                    entry.readable = false
                    entries[registration.fd] = entry
                    return .ready
                }
            case .write:
                if entry.writable {
                    entry.writable = false
                    entries[registration.fd] = entry
                    return .ready
                }
            }
            if let deadline, deadline <= .now {
                return .failed(TransportError.timedOut)
            }
            let waiter = Waiter(id: id, continuation: continuation, hasDeadline: deadline != nil)
            // One waiter per direction: a second reader (or writer) is a caller's bug, reported
            // as an error rather than a crash of the whole server.
            switch direction {
            case .read:
                guard entry.reader == nil else { return .failed(TransportError.busy) }
                entry.reader = waiter
            case .write:
                guard entry.writer == nil else { return .failed(TransportError.busy) }
                entry.writer = waiter
            }
            if let code = arm(registration.fd, &entry) {
                // Nothing would ever wake this waiter: fail it now rather than at its deadline (or never).
                return .failed(TransportError.system("epoll_ctl(MOD)", errno: code))
            }
            entries[registration.fd] = entry

            guard let deadline else {
                return .parked(wakeLoop: false)
            }
            timers.insert(Timer(deadline: deadline, waiterID: id, registration: registration, direction: direction))
            liveTimers += 1
            // Stale entries are dropped in bulk once they outnumber the live ones: amortised O(1).
            if timers.count > 2 * liveTimers + 64 {
                let entries = self.entries
                timers.removeAll { !Self.isLive($0, in: entries) }
            }
            var wake = false
            if loopIsSleeping && !wakeRequested {
                if let sleepsUntil {
                    wake = deadline < sleepsUntil
                } else {
                    wake = true
                }
            }
            if wake {
                wakeRequested = true
            }
            return .parked(wakeLoop: wake)
        }

        /// Takes the waiter `id` out, if it is still parked, for cancellation.
        mutating func cancel(_ registration: Registration, _ direction: Direction, id: UInt64) -> Continuation? {
            guard let waiter = takeWaiter(registration, direction, id: id) else { return nil }
            return waiter.continuation
        }

        // MARK: the loop thread

        /// Applies one epoll event: wakes the parked waiter of each ready direction, or latches it.
        /// Hang-up and error count as ready both ways, so the caller's next call sees them.
        mutating func deliver(_ registration: Registration, events: UInt32, into resumptions: inout [Resumption]) {
            guard var entry = entries[registration.fd], entry.generation == registration.generation else {
                return  // an event for a descriptor deregistered since epoll_wait returned
            }
            // One-shot: the kernel disabled the registration when it reported this event.
            entry.armed = 0
            let failure = EPOLLHUP.rawValue | EPOLLERR.rawValue
            if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | failure) != 0 {
                if let reader = entry.reader {
                    entry.reader = nil
                    if reader.hasDeadline { liveTimers -= 1 }
                    resumptions.append(Resumption(continuation: reader.continuation, error: nil))
                } else {
                    entry.readable = true
                }
            }
            if events & (EPOLLOUT.rawValue | failure) != 0 {
                if let writer = entry.writer {
                    entry.writer = nil
                    if writer.hasDeadline { liveTimers -= 1 }
                    resumptions.append(Resumption(continuation: writer.continuation, error: nil))
                } else {
                    entry.writable = true
                }
            }
            // A waiter of the other direction is still parked: it needs the registration back. (Refused only
            // for a descriptor closed behind the loop's back; its waiter then ends at its deadline or deregister.)
            arm(registration.fd, &entry)
            entries[registration.fd] = entry
        }

        /// Fails every parked waiter whose deadline is at or before `now` with `.timedOut`.
        mutating func expireTimers(now: ContinuousClock.Instant, into resumptions: inout [Resumption]) {
            while let first = timers.first, first.deadline <= now {
                _ = timers.popFirst()
                if let waiter = takeWaiter(first.registration, first.direction, id: first.waiterID) {
                    resumptions.append(Resumption(continuation: waiter.continuation, error: TransportError.timedOut))
                }
            }
        }

        /// Marks the loop as going to sleep and returns `epoll_wait`'s timeout in milliseconds.
        ///
        /// Stale heap entries are kept (popping them here would make every new deadline wake
        /// the loop through the eventfd); at worst the loop wakes once early and recomputes.
        mutating func prepareToSleep(now: ContinuousClock.Instant) -> Int32 {
            loopIsSleeping = true
            wakeRequested = false
            guard let first = timers.first else {
                sleepsUntil = nil
                return -1
            }
            sleepsUntil = first.deadline
            return Self.milliseconds(from: now, to: first.deadline)
        }

        /// Called when `epoll_wait` returned and the loop holds the lock again.
        mutating func wokeUp() {
            loopIsSleeping = false
        }

        /// Marks the loop shut down and fails every parked waiter with `.closed`.
        mutating func shutDown() -> [Resumption] {
            isShutDown = true
            var failed: [Resumption] = []
            for (fd, entry) in entries {
                collect(entry, error: TransportError.closed, into: &failed)
                entries[fd] = Entry(generation: entry.generation)
            }
            timers.removeAll()
            liveTimers = 0
            return failed
        }

        // MARK: helpers

        private mutating func takeWaiter(_ registration: Registration, _ direction: Direction, id: UInt64) -> Waiter? {
            guard var entry = entries[registration.fd], entry.generation == registration.generation else {
                return nil
            }
            let waiter: Waiter?
            switch direction {
            case .read:
                guard let reader = entry.reader, reader.id == id else { return nil }
                waiter = reader
                entry.reader = nil
            case .write:
                guard let writer = entry.writer, writer.id == id else { return nil }
                waiter = writer
                entry.writer = nil
            }
            entries[registration.fd] = entry
            if waiter?.hasDeadline == true { liveTimers -= 1 }
            return waiter
        }

        private mutating func collect(_ entry: Entry, error: any Error, into resumptions: inout [Resumption]) {
            for waiter in [entry.reader, entry.writer].compactMap({ $0 }) {
                if waiter.hasDeadline { liveTimers -= 1 }
                resumptions.append(Resumption(continuation: waiter.continuation, error: error))
            }
        }

        private static func isLive(_ timer: Timer, in entries: [Int32: Entry]) -> Bool {
            guard let entry = entries[timer.registration.fd], entry.generation == timer.registration.generation else {
                return false
            }
            switch timer.direction {
            case .read: return entry.reader?.id == timer.waiterID
            case .write: return entry.writer?.id == timer.waiterID
            }
        }

        /// Rounds up, so the loop never wakes just before a deadline and spins.
        static func milliseconds(from now: ContinuousClock.Instant, to deadline: ContinuousClock.Instant) -> Int32 {
            guard deadline > now else { return 0 }
            return Int32(clamping: (deadline - now).millisecondsRoundedUp)
        }
    }
}
