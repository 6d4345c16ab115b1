import Foundation
import Glibc
import OpenAIClient

/// Hashes of a prompt and the deterministic ids made from them.
extension TemplateResponder {
    /// A hash of the whole text (embeddings are seeded with it).
    static func hash(_ text: String) -> UInt64 {
        hash(prefix: text, .max)
    }

    static func hash(bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { hash(bytes: $0) }
    }

    /// The hash of the first `count` bytes of a text's UTF-8, read in place.
    static func hash(prefix text: String, _ count: Int) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(bytes: UnsafeBufferPointer(rebasing: $0.prefix(count))) }
    }

    /// A 64-bit hash of bytes taken eight at a time: FNV-1a a byte at a time was a chain of 768
    /// dependent multiplies per chat id. Each step is a bijection of the state for a given word and
    /// of the word for a given state, so texts of one length that differ in a single word never
    /// collide; the length seeds the state, so a shorter text padded with zeros differs too.
    static func hash(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let seed = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        // Four chains over 32-byte blocks, independent so their multiplies overlap, then folded
        // into one in order (not symmetrically, so words swapped between chains still differ).
        var lanes = (seed, seed &+ 1, seed &+ 2, seed &+ 3)
        var offset = 0
        while offset + 32 <= raw.count {
            lanes = (mix(lanes.0, word(offset)), mix(lanes.1, word(offset + 8)), mix(lanes.2, word(offset + 16)), mix(lanes.3, word(offset + 24)))
            offset += 32
        }
        var state = mix(mix(mix(mix(seed, lanes.0), lanes.1), lanes.2), lanes.3)
        while offset + 8 <= raw.count {
            state = mix(state, word(offset))
            offset += 8
        }
        if offset < raw.count {
            var tail: UInt64 = 0  // the last one to seven bytes, little-endian, zero-padded
            for (shift, byte) in raw[offset...].enumerated() { tail |= UInt64(byte) << (8 * shift) }
            state = mix(state, tail)
        }
        // SplitMix64's finalizer, so every input bit reaches every output bit.
        state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
        state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
        return state ^ (state >> 31)
    }

    /// One step of `hash(bytes:)`: xor the word in, multiply by an odd constant, fold the high half down.
    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let product = (state ^ word) &* 0x9FB2_1C65_1E98_DF25
        return product ^ (product >> 32)
    }

    static func vector(_ text: String, _ dimensions: Int) -> [Double] {
        var generator = SeededGenerator(seed: hash(text))
        let raw = (0..<dimensions).map { _ in generator.nextUnit() * 2 - 1 }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { norm > 0 ? ($0 / norm * 1e6).rounded() / 1e6 : 0 }
    }

    /// How much of a request's text an id depends on (and on its length).
    static let idTextBytes = 512

    /// A deterministic id from the request's text, so the same request gets the same answer.
    static func id(_ prefix: String, _ seed: String, _ text: String = "") -> String {
        var text = text
        return text.withUTF8 { id(prefix, seed, head: UnsafeBufferPointer(rebasing: $0.prefix(idTextBytes)), bytes: $0.count) }
    }

    /// `id` from the first `idTextBytes` of the text (`head`) and its length in bytes: `prefix`,
    /// then 16 lowercase hex digits.
    static func id(_ prefix: String, _ seed: String, head: UnsafeBufferPointer<UInt8>, bytes: Int) -> String {
        let mixed = hash(prefix: seed, 256) ^ (hash(bytes: head) &* 31) ^ UInt64(bytes)
        var prefix = prefix
        return prefix.withUTF8 { prefix in
            String(unsafeUninitializedCapacity: prefix.count + 16) { buffer in
                let digits = buffer.initialize(fromContentsOf: prefix)
                for index in 0..<16 { buffer[digits + index] = hexDigits[Int((mixed >> (60 - 4 * index)) & 0xF)] }
                return digits + 16
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
