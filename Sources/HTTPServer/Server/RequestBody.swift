import Synchronization

/// Where a request body's chunks come from: the connection, or bytes given up front.
package protocol RequestBodySource: AnyObject, Sendable {
    /// The next chunk, or nil at the end of the body.
    func nextChunk() async throws -> [UInt8]?
}

/// A request body as an async sequence of byte chunks, read from the socket only as it is iterated.
///
/// A body can be iterated once. Reading it is what makes the server answer `Expect: 100-continue`
/// with `100 Continue`: a handler that answers without reading never asks the client to send it.
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let source: (any RequestBodySource)?

    package init(source: (any RequestBodySource)?) {
        self.source = source
    }

    /// A body with no bytes.
    public static let empty = RequestBody(source: nil)

    /// A body made of the given bytes, for tests and for handlers that call other handlers.
    public static func bytes(_ bytes: [UInt8]) -> RequestBody {
        RequestBody(source: FixedBodySource(chunks: bytes.isEmpty ? [] : [bytes]))
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(source: source)
    }

    /// Pulls chunks from the source until it reports the end.
    public struct Iterator: AsyncIteratorProtocol {
        let source: (any RequestBodySource)?

        public mutating func next() async throws -> [UInt8]? {
            guard let source else { return nil }
            return try await source.nextChunk()
        }
    }

    /// Collects the whole body into memory; past `maxBytes` it throws a 413 error.
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        for try await chunk in self {
            guard result.count + chunk.count <= maxBytes else {
                throw HTTPError(.payloadTooLarge, detail: "The request body is larger than \(maxBytes) bytes.")
            }
            result.append(contentsOf: chunk)
        }
        return result
    }
}

/// A body source over chunks known in advance.
final class FixedBodySource: RequestBodySource {
    private let chunks: Mutex<[[UInt8]]>

    init(chunks: [[UInt8]]) {
        self.chunks = Mutex(chunks.reversed())
    }

    func nextChunk() async throws -> [UInt8]? {
        chunks.withLock { $0.popLast() }
    }
}
