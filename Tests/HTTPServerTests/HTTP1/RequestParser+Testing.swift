import HTTPServer

/// Drives a parser over raw bytes and summarises what came out, so tests compare plain strings.
enum ParserHarness {
    /// Everything a parse produced: the events until input ran out, or the error that stopped it.
    struct Outcome {
        var events: [ParserEvent] = []
        var error: HTTPParseError?
        var bufferedByteCount = 0

        /// The heads, in order.
        var heads: [RequestHead] {
            events.compactMap { if case .head(let head) = $0 { head } else { nil } }
        }

        /// One line per event, with consecutive body pieces merged so that feeding
        /// granularity does not matter.
        var summary: [String] {
            var lines: [String] = []
            var body: [UInt8]?
            func flush() {
                if let pending = body {
                    lines.append("body \(String(decoding: pending, as: UTF8.self))")
                    body = nil
                }
            }
            for event in events {
                switch event {
                case .head(let head):
                    flush()
                    lines.append(ParserHarness.describe(head))
                case .body(let bytes):
                    body = (body ?? []) + bytes
                case .end(let trailers):
                    flush()
                    lines.append("end \(trailers.map { "\($0.name)=\($0.value)" })")
                }
            }
            flush()
            if let error { lines.append("error \(error.status.code)") }
            return lines
        }
    }

    /// Appends `bytes` in pieces of `pieceSize`, pulling every available event after each piece.
    static func run(
        _ bytes: [UInt8],
        limits: ParserLimits = ParserLimits(),
        pieceSize: Int = Int.max
    ) -> Outcome {
        var parser = RequestParser(limits: limits)
        var outcome = Outcome()
        var start = 0
        repeat {
            let end = start + min(pieceSize, bytes.count - start)
            parser.append(bytes[start..<end])
            start = end
            do {
                while let event = try parser.next() {
                    outcome.events.append(event)
                }
            } catch {
                outcome.error = error
                break
            }
        } while start < bytes.count
        outcome.bufferedByteCount = parser.bufferedByteCount
        return outcome
    }

    /// `run` on the UTF-8 of `text`.
    static func run(_ text: String, limits: ParserLimits = ParserLimits(), pieceSize: Int = Int.max) -> Outcome {
        run(Array(text.utf8), limits: limits, pieceSize: pieceSize)
    }

    /// The single head `text` parses to; nil (and a recorded issue by the caller) otherwise.
    static func head(_ text: String) -> RequestHead? {
        let outcome = run(text)
        guard outcome.error == nil, outcome.heads.count == 1 else { return nil }
        return outcome.heads[0]
    }

    /// The error status `bytes` end in, or nil when they parse.
    static func status(_ bytes: [UInt8], limits: ParserLimits = ParserLimits()) -> Int? {
        run(bytes, limits: limits).error?.status.code
    }

    /// The error status `text` ends in, or nil when it parses.
    static func status(_ text: String, limits: ParserLimits = ParserLimits()) -> Int? {
        status(Array(text.utf8), limits: limits)
    }

    static func describe(_ head: RequestHead) -> String {
        let query = head.query.map { "?\($0)" } ?? ""
        let items = head.queryItems.map { "\($0.name)=\($0.value)" }
        let headers = head.headers.map { "\($0.name)=\($0.value)" }
        return "head \(head.method) \(head.target) path=\(head.path) segments=\(head.pathSegments) query=\(query) "
            + "items=\(items) \(head.version) \(head.framing) keepAlive=\(head.keepAlive) "
            + "continue=\(head.expectsContinue) headers=\(headers)"
    }
}
