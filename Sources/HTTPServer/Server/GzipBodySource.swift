import Gzip

/// Inflates a gzip-encoded request body (`Content-Encoding: gzip`) as it is read, up to a size limit.
final class GzipBodySource: RequestBodySource, @unchecked Sendable {
    // Audited: like the connection it reads from, it is used by one task at a time (the handler iterating the body).
    private let source: any RequestBodySource
    private let decompressor: GzipDecompressor
    private let maxOutputBytes: Int
    private var finished = false

    init(source: any RequestBodySource, maxOutputBytes: Int) throws {
        self.source = source
        self.maxOutputBytes = maxOutputBytes
        decompressor = try GzipDecompressor(maxOutputBytes: maxOutputBytes)
    }

    func nextChunk() async throws -> [UInt8]? {
        while !finished {
            guard let compressed = try await source.nextChunk() else {
                finished = true
                do {
                    try decompressor.finish()
                } catch {
                    throw HTTPError(.badRequest, detail: "The gzip-encoded request body is truncated.")
                }
                return nil
            }
            let inflated: [UInt8]
            do {
                inflated = try decompressor.decompress(compressed)
            } catch let error as GzipError where error == .outputLimitExceeded {
                throw HTTPError(.payloadTooLarge, detail: "The request body inflates to more than \(maxOutputBytes) bytes.")
            } catch {
                throw HTTPError(.badRequest, detail: "The request body is not valid gzip.")
            }
            if !inflated.isEmpty { return inflated }
        }
        return nil
    }
}
