/// The vocabulary of a BPE encoding: token bytes → rank, in one open-addressing hash table over one byte
/// arena. A `Dictionary<[UInt8], Int>` would allocate an array per lookup key; merging looks up every
/// candidate pair, so lookups take a pointer and a length and allocate nothing.
struct TokenRankTable: Sendable {
    /// Every token's bytes, back to back.
    private var arena: [UInt8] = []
    /// Per entry: arena offset << 16 | length.
    private var spans: [UInt64] = []
    /// Per entry: its rank.
    private var ranks: [UInt32] = []
    /// Slots: 0 when empty, else the upper half of the key's hash << 32 | (entry + 1).
    private var slots: [UInt64]
    private let mask: Int

    /// An empty table sized for `capacity` tokens at a load of at most one half.
    init(capacity: Int) {
        var size = 1024
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        arena.reserveCapacity(capacity * 8)
        spans.reserveCapacity(capacity)
        ranks.reserveCapacity(capacity)
    }

    /// How many tokens.
    var count: Int { ranks.count }

    /// Adds a token; returns false when its bytes are already there.
    mutating func insert(_ token: UnsafeBufferPointer<UInt8>, rank: UInt32) -> Bool {
        if self.rank(of: token.baseAddress!, count: token.count) != nil { return false }
        let hash = Self.hash(token.baseAddress!, token.count)
        spans.append(UInt64(arena.count) << 16 | UInt64(token.count))
        arena.append(contentsOf: token)
        ranks.append(rank)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = (hash >> 32) << 32 | UInt64(ranks.count)
        return true
    }

    /// The rank of the `count` bytes at `start`, or `nil` when they are not a token.
    @inline(__always)
    func rank(of start: UnsafePointer<UInt8>, count: Int) -> UInt32? {
        let hash = Self.hash(start, count)
        let tag = hash >> 32
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let value = slots[slot]
                if value == 0 { return nil }
                if value >> 32 == tag {
                    let entry = Int(value & 0xFFFF_FFFF) - 1
                    let span = spans[entry]
                    if Int(span & 0xFFFF) == count {
                        let equal = arena.withUnsafeBufferPointer { arena in
                            memoryEqual(arena.baseAddress! + Int(span >> 16), start, count)
                        }
                        if equal { return ranks[entry] }
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private func memoryEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if UnsafeRawPointer(left + index).loadUnaligned(as: UInt64.self)
                != UnsafeRawPointer(right + index).loadUnaligned(as: UInt64.self) { return false }
            index += 8
        }
        while index < count {
            if left[index] != right[index] { return false }
            index += 1
        }
        return true
    }

    /// A 64-bit hash of short byte strings, a word at a time (multiply and fold, as in splitmix64).
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var index = 0
        while index + 8 <= count {
            hash = (hash ^ UnsafeRawPointer(start + index).loadUnaligned(as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
            index += 8
        }
        if index < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                word |= UInt64(start[index]) << shift
                shift += 8
                index += 1
            }
            hash = (hash ^ word) &* 0x94D0_49BB_1331_11EB
        }
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }
}
