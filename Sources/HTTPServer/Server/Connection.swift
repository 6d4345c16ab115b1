import Logging
import SystemIO

/// Serves the requests of one TCP connection, in order, until either side closes it.
///
/// The handler runs inside the connection's task; the request body is pulled from the socket only when the
/// handler iterates it, so memory stays flat whatever the body's size, and `100 Continue` is sent only then.
final class Connection: RequestBodySource, @unchecked Sendable {
    // Audited: a connection's state is used by its own task and by the handler that task is awaiting (which is
    // the only code that can iterate the body while the connection is suspended in it). Nothing runs concurrently.
    let socket: ConnectedSocket
    let id: Int
    let server: Server
    var configuration: Server.Configuration { server.configuration }
    private var parser: RequestParser

    /// The state of the current request's body.
    private var body = BodyState()

    struct BodyState {
        var finished = true
        var failure: (any Error)?
        var limit: Int64 = 0
        var bytesRead: Int64 = 0
        var started = ContinuousClock.now
        /// `Expect: 100-continue` was asked and `100 Continue` not yet sent.
        var continuePending = false
    }

    private static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let readSize = 64 * 1024
    private static let bodyReadSize = 1024 * 1024
    /// A handler that ignores a small body leaves it to be read and dropped; a larger one closes the connection.
    private static let maxDrainBytes: Int64 = 256 * 1024

    init(socket: ConnectedSocket, id: Int, server: Server) {
        self.socket = socket
        self.id = id
        self.server = server
        self.parser = RequestParser(limits: server.configuration.parserLimits)
    }

    func run() async {
        defer { socket.close() }
        do {
            while server.setIdle(id, true) {
                guard let head = try await readHead() else { return }
                _ = server.setIdle(id, false)
                guard try await respond(to: head) else { break }
                // Fairness: to the back of the pool's queue before the next request, so a client that answers
                // fast (or pipelines) cannot keep a pool thread while 63 other connections wait; this was the
                // keep-alive p99 (a few ms at 64 connections, with a sub-millisecond median).
                await Task.yield()
            }
            await lingeringClose()
        } catch let error as HTTPParseError {
            // Bad framing: answer once, then close; nothing after it on this connection can be trusted.
            await sendErrorAndClose(error, version: .http1_1)
        } catch let error as HTTPError {
            await sendErrorAndClose(error, version: .http1_1)
        } catch {
            // The peer reset, the socket failed or the task was cancelled: nothing more can be said.
            if !(error is CancellationError), !((error as? TransportError).map { $0 == .connectionReset || $0 == .closed } ?? false) {
                server.logger.debug("connection \(id) ended: \(error)")
            }
        }
    }

    // MARK: - Reading

    /// Reads the next request head; nil when the client closed or stayed idle too long between requests.
    private func readHead() async throws -> RequestHead? {
        var headDeadline: ContinuousClock.Instant? = parser.bufferedByteCount > 0 ? .now + configuration.headerTimeout : nil
        while true {
            if let event = try parser.next() {
                guard case .head(let head) = event else {
                    throw HTTPError(.internalServerError, detail: "Request framing was lost.")
                }
                return head
            }
            if headDeadline == nil { parser.releaseSpareCapacity() }
            let deadline = headDeadline ?? .now + configuration.idleTimeout
            let bytes: [UInt8]
            do {
                bytes = try await socket.read(upTo: Self.readSize, deadline: deadline)
            } catch let error as TransportError where error.isTimeout {
                // Idle between requests: close quietly. Part of a head, too slowly: say so.
                guard headDeadline != nil else { return nil }
                throw HTTPError(.requestTimeout, detail: "The request head was not received in time.")
            }
            if bytes.isEmpty { return nil }
            if headDeadline == nil { headDeadline = .now + configuration.headerTimeout }
            parser.append(bytes)
        }
    }

    /// The next chunk of the current request's body; nil at its end.
    func nextChunk() async throws -> [UInt8]? {
        if let failure = body.failure { throw failure }
        if body.finished { return nil }
        do {
            return try await readBodyChunk()
        } catch {
            body.failure = error
            throw error
        }
    }

    private func readBodyChunk() async throws -> [UInt8]? {
        if body.continuePending {
            body.continuePending = false
            try await socket.write([Self.continueBytes], deadline: .now + configuration.writeTimeout)
        }
        while true {
            let event: ParserEvent?
            do {
                event = try parser.next()
            } catch {
                throw error
            }
            switch event {
            case .body(let bytes):
                body.bytesRead += Int64(bytes.count)
                guard body.bytesRead <= body.limit else {
                    throw HTTPError(.payloadTooLarge, detail: "The request body is larger than \(body.limit) bytes.")
                }
                if bytes.isEmpty { continue }
                return bytes
            case .end:
                body.finished = true
                return nil
            case .head:
                throw HTTPError(.internalServerError, detail: "Request framing was lost.")
            case nil:
                break
            }
            let bytes: [UInt8]
            do {
                try checkBodyRate()
                bytes = try await socket.read(upTo: Self.bodyReadSize, deadline: .now + configuration.bodyReadTimeout)
            } catch let error as TransportError where error.isTimeout {
                throw HTTPError(.requestTimeout, detail: "The request body was not received in time.")
            }
            guard !bytes.isEmpty else {
                throw HTTPError(.badRequest, detail: "The connection closed before the request body was complete.")
            }
            parser.append(bytes)
        }
    }

    /// A body that trickles in (a byte at a time) is cut off once it has had `bodyReadTimeout` to get going.
    private func checkBodyRate() throws {
        let elapsed = ContinuousClock.now - body.started
        guard elapsed > configuration.bodyReadTimeout else { return }
        let seconds = elapsed.inSeconds
        if Double(body.bytesRead) < Double(configuration.minimumBodyBytesPerSecond) * seconds {
            throw HTTPError(.requestTimeout, detail: "The request body arrived too slowly.")
        }
    }

    // MARK: - Serving one request

    /// Answers one request; returns whether the connection stays open.
    private func respond(to head: RequestHead) async throws -> Bool {
        let started = ContinuousClock.now
        let routing = server.dispatcher.route(head)
        let route = routing.route
        body = BodyState(
            finished: false,
            limit: Int64(routing.bodyLimit),
            started: started,
            continuePending: head.expectsContinue && head.framing != .none
        )

        let request = server.dispatcher.request(
            for: head, routing: routing, body: RequestBody(source: self), remoteAddress: socket.remoteAddress, logger: server.logger
        )
        let requestID = request.id
        let logger = request.logger
        let response = await server.dispatcher.respond(to: request, routing: routing)

        let bodyComplete = await finishBody(head.framing)
        let keepAlive = head.keepAlive && bodyComplete && !server.isStopping
            && !(response.headers.containsToken("close", in: "Connection"))
        let bytesOut = try await ResponseWriter(
            socket: socket,
            configuration: configuration,
            method: head.method,
            version: head.version,
            acceptEncoding: head.headers["Accept-Encoding"],
            requestID: requestID
        ).write(response, keepAlive: keepAlive)

        let record = RequestRecord(
            method: head.method,
            route: route?.pattern,
            status: response.status.code,
            bytesIn: body.bytesRead,
            bytesOut: bytesOut,
            duration: .now - started
        )
        server.observer?.requestFinished(record)
        if configuration.accessLog {
            // The method and path came from the client: metadata, which the log handler escapes (never the query).
            logger.info("request", metadata: [
                "method": .string(head.method.rawValue), "path": .string(head.path), "status": .stringConvertible(record.status),
                "bytes": .stringConvertible(bytesOut), "ms": .string(Self.milliseconds(record.duration)),
            ])
        }
        return keepAlive
    }

    /// Makes the connection ready for the next request. Returns false when it must close instead: the body
    /// failed, was never asked for after `Expect: 100-continue`, or is not a small, sized remainder that is
    /// surely on its way (a chunked or large body could keep the response waiting for a slow client).
    private func finishBody(_ framing: BodyFraming) async -> Bool {
        if body.failure != nil { return false }
        if body.finished { return true }
        if body.continuePending { return false }
        switch framing {
        case .none:
            break  // Only the parser's end event is left; reading it does no I/O.
        case .contentLength(let length) where length - body.bytesRead <= Self.maxDrainBytes:
            break
        default:
            return false
        }
        let drainLimit = body.bytesRead + Self.maxDrainBytes
        body.limit = min(body.limit, drainLimit)
        do {
            while try await nextChunk() != nil {}
            return true
        } catch {
            return false
        }
    }

    // MARK: - Closing

    private func sendErrorAndClose(_ error: any HTTPResponseError, version: HTTPVersion) async {
        var response = Response.problem(error.problem, headers: error.headers)
        response.headers.replaceOrAdd(name: "Connection", value: "close")
        _ = try? await ResponseWriter(
            socket: socket,
            configuration: configuration,
            method: .get,
            version: version,
            acceptEncoding: nil,
            requestID: RequestID.make(from: nil)
        ).write(response, keepAlive: false)
        server.observer?.requestFinished(RequestRecord(
            method: .get, route: nil, status: error.status.code, bytesIn: 0, bytesOut: 0, duration: .zero
        ))
        if configuration.accessLog {
            server.logger.info("request rejected", metadata: [
                "status": .stringConvertible(error.status.code), "detail": .string(error.problem.detail ?? ""),
            ])
        }
        await lingeringClose()
    }

    /// Half-closes and reads what the client still sends for a moment, so our last response is not lost
    /// to a TCP reset when the client was still sending (RFC 9112 §9.6).
    private func lingeringClose() async {
        socket.shutdownWrite()
        let deadline = ContinuousClock.now + .seconds(2)
        var discarded = 0
        while discarded < 4 << 20 {
            guard let bytes = try? await socket.read(upTo: Self.bodyReadSize, deadline: deadline), !bytes.isEmpty else { return }
            discarded += bytes.count
        }
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(Int(duration.inMilliseconds.rounded()))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
