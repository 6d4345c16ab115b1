/// A byte-pair encoding (`o200k_base` or `cl100k_base`), built from the bytes of its `.tiktoken` file:
/// counts the tokens of a text exactly as OpenAI's tokenizer does (pre-tokenize with the encoding's
/// pattern, then merge each piece's bytes by rank). Special tokens are not recognised: request text is
/// encoded as ordinary text, as the API does.
public struct BPEEncoding: Sendable {
    /// The encodings OpenAI's models use.
    public enum Name: String, Sendable, CaseIterable {
        /// gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series.
        case o200kBase = "o200k_base"
        /// gpt-4, gpt-3.5 and the text-embedding-3 and ada-002 models.
        case cl100kBase = "cl100k_base"

        /// The vocabulary's file name (`o200k_base.tiktoken`).
        public var fileName: String { rawValue + ".tiktoken" }
    }

    /// Which encoding this is.
    public let name: Name
    private let ranks: TokenRankTable
    let preTokenizer: PreTokenizer

    /// Reads the vocabulary from the bytes of a `.tiktoken` file (not gzipped).
    public init(name: Name, tiktoken bytes: UnsafeRawBufferPointer) throws(BPEEncodingError) {
        self.name = name
        ranks = try TiktokenVocabulary.parse(bytes)
        preTokenizer = name == .o200kBase ? .o200k : .cl100k
    }

    /// Reads the vocabulary from the bytes of a `.tiktoken` file (not gzipped).
    public init(name: Name, tiktoken bytes: [UInt8]) throws(BPEEncodingError) {
        let table: Result<TokenRankTable, BPEEncodingError> = bytes.withUnsafeBytes { bytes in
            do throws(BPEEncodingError) { return .success(try TiktokenVocabulary.parse(bytes)) } catch { return .failure(error) }
        }
        self.name = name
        ranks = try table.get()
        preTokenizer = name == .o200kBase ? .o200k : .cl100k
    }

    /// How many tokens the vocabulary has.
    public var vocabularySize: Int { ranks.count }

    /// The number of tokens of `text`.
    public func count(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { count(utf8: $0) }
    }

    /// The number of tokens of UTF-8 text.
    public func count(utf8 text: UnsafeBufferPointer<UInt8>) -> Int {
        guard !text.isEmpty else { return 0 }
        return ClassifiedText.with(text) { classified in
            var total = 0
            preTokenizer.forEachPiece(classified) { first, end in
                let start = Int(classified.offsets[first])
                total += pieceTokens(text.baseAddress! + start, Int(classified.offsets[end]) - start)
            }
            return total
        }
    }

    /// The pieces the pre-tokenizer cuts `text` into (for tests and diagnostics).
    func pieces(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            ClassifiedText.with(bytes) { classified in
                var pieces: [String] = []
                preTokenizer.forEachPiece(classified) { first, end in
                    let range = Int(classified.offsets[first])..<Int(classified.offsets[end])
                    pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
                }
                return pieces
            }
        }
    }

    /// Tokens of one piece: one when the piece is a token (most words), else the parts left after
    /// merging adjacent parts, lowest rank first and leftmost among equals, as tiktoken does.
    @inline(__always)
    private func pieceTokens(_ piece: UnsafePointer<UInt8>, _ length: Int) -> Int {
        if length == 1 { return 1 }
        if ranks.rank(of: piece, count: length) != nil { return 1 }
        return merge(piece, length)
    }

    /// Pieces longer than this merge through a heap: the scan for the lowest rank is quadratic, and one
    /// long run of letters (a DNA sequence, a hash, a run of one character) would take seconds.
    static let longPiece = 128

    private func merge(_ piece: UnsafePointer<UInt8>, _ length: Int) -> Int {
        if length > Self.longPiece { return ranks.mergeLongPiece(piece, length) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: length + 1) { starts in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: length + 1) { pairRanks in
                // parts: starts[0..<parts] (+ the end), pairRanks[i]: rank of parts i and i+1 together.
                var parts = length
                for index in 0...length { starts[index] = index }
                func rank(_ index: Int) -> UInt32 {
                    guard index + 2 <= parts else { return .max }
                    return ranks.rank(of: piece + starts[index], count: starts[index + 2] - starts[index]) ?? .max
                }
                for index in 0..<(parts - 1) { pairRanks[index] = rank(index) }
                pairRanks[parts - 1] = .max
                while parts > 1 {
                    var best = UInt32.max
                    var bestIndex = 0
                    for index in 0..<(parts - 1) where pairRanks[index] < best {
                        best = pairRanks[index]
                        bestIndex = index
                    }
                    if best == .max { break }
                    // Remove the boundary after `bestIndex`.
                    for index in (bestIndex + 1)..<parts { starts[index] = starts[index + 1] }
                    for index in (bestIndex + 1)..<(parts - 1) { pairRanks[index] = pairRanks[index + 1] }
                    parts -= 1
                    pairRanks[bestIndex] = rank(bestIndex)
                    if bestIndex > 0 { pairRanks[bestIndex - 1] = rank(bestIndex - 1) }
                }
                return parts
            }
        }
    }
}
