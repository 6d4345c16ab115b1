import Glibc
import Logging
import Synchronization

/// A hand-rolled HTTP/1.1 server: one epoll thread for readiness, one task per connection, `async` handlers.
///
/// `start()` binds (so the port is known before anything is served), `run()` accepts and serves until
/// `stop()`, which stops accepting, lets in-flight requests finish within the grace period, and closes
/// idle keep-alive connections at once.
public final class Server: Sendable {
    /// The configuration it was made with.
    public let configuration: Configuration
    let logger: Logger
    let observer: (any RequestObserver)?
    /// Routing, middleware, handlers and error mapping: what each connection calls for each request.
    let dispatcher: RequestDispatcher
    private let state = Mutex(State())

    struct State {
        var loop: EventLoop?
        var listener: ListeningSocket?
        var stopping = false
        var nextConnectionID = 0
        /// Open connections, with whether each is idle between requests.
        var connections: [Int: (socket: ConnectedSocket, idle: Bool)] = [:]
    }

    /// Creates a server; nothing is bound until `start()`.
    public init(
        configuration: Configuration = Configuration(),
        router: Router,
        middleware: [any Middleware] = [],
        observer: (any RequestObserver)? = nil,
        logger: Logger = Logger(label: "batch-openai.http")
    ) {
        self.configuration = configuration
        self.observer = observer
        self.logger = logger
        self.dispatcher = RequestDispatcher(router: router, middleware: middleware, configuration: configuration)
    }

    /// Binds the listening socket. Afterwards `localAddress` tells the port (useful with port 0).
    public func start() throws {
        // A peer that closes early must never kill the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        Self.raiseOpenFileLimit()
        let loop = try EventLoop()
        let listener: ListeningSocket
        do {
            let address = try SocketAddress(host: configuration.host, port: configuration.port)
            listener = try ListeningSocket(address: address, backlog: configuration.backlog, loop: loop)
        } catch {
            loop.shutdown()
            throw error
        }
        state.withLock {
            $0.loop = loop
            $0.listener = listener
        }
        logger.info("listening on http://\(listener.localAddress)")
    }

    /// The bound address, once `start()` returned.
    public var localAddress: SocketAddress? {
        state.withLock { $0.listener?.localAddress }
    }

    /// Whether `stop()` was called.
    var isStopping: Bool {
        state.withLock { $0.stopping }
    }

    /// Accepts and serves connections until `stop()`; returns once they are drained. Calls `start()` if needed.
    public func run() async throws {
        if localAddress == nil { try start() }
        guard let (listener, loop) = state.withLock({ s in s.listener.flatMap { l in s.loop.map { (l, $0) } } }) else {
            return
        }
        defer { loop.shutdown() }
        await withDiscardingTaskGroup { group in
            while true {
                let socket: ConnectedSocket
                do {
                    socket = try await listener.accept()
                } catch let error as TransportError where error == .closed {
                    break
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("accept failed: \(error)")
                    try? await Task.sleep(for: .milliseconds(50))
                    continue
                }
                guard let id = register(socket) else {
                    socket.close()
                    continue
                }
                group.addTask {
                    let connection = Connection(socket: socket, id: id, server: self)
                    await connection.run()
                    self.unregister(id)
                }
            }
            await drain()
            group.cancelAll()
        }
    }

    /// Stops accepting, closes idle connections and lets in-flight requests finish within the grace period.
    /// Safe to call from any thread, more than once.
    public func stop() {
        let (listener, idle): (ListeningSocket?, [ConnectedSocket]) = state.withLock { s in
            s.stopping = true
            return (s.listener, s.connections.values.filter(\.idle).map(\.socket))
        }
        listener?.close()
        for socket in idle { socket.shutdownRead() }
    }

    /// Waits until every connection has closed or the grace period has passed.
    private func drain() async {
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while ContinuousClock.now < deadline {
            let open = state.withLock { s in
                // Connections that went idle since stop() are closed here.
                for entry in s.connections.values where entry.idle { entry.socket.shutdownRead() }
                return s.connections.count
            }
            if open == 0 { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = state.withLock { $0.connections.count }
        if left > 0 { logger.warning("shutdown grace period over; cancelling \(left) connection(s)") }
    }

    private func register(_ socket: ConnectedSocket) -> Int? {
        state.withLock { s in
            guard !s.stopping, s.connections.count < configuration.maxConnections else { return nil }
            s.nextConnectionID += 1
            s.connections[s.nextConnectionID] = (socket, true)
            return s.nextConnectionID
        }
    }

    private func unregister(_ id: Int) {
        state.withLock { _ = $0.connections.removeValue(forKey: id) }
    }

    /// Marks a connection idle (waiting for its next request) or busy. Returns false when the server is stopping,
    /// so an idle connection closes instead of waiting.
    func setIdle(_ id: Int, _ idle: Bool) -> Bool {
        state.withLock { s in
            s.connections[id]?.idle = idle
            return !s.stopping
        }
    }

    /// Lets one process hold many connections: the soft open-file limit goes up to the hard one.
    private static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

extension Router {
    static func routeKey(_ method: HTTPMethod, _ pattern: String) -> String {
        "\(method.rawValue) \(pattern)"
    }
}
