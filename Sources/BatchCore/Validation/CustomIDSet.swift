/// The `custom_id`s seen so far in an input, kept as 128-bit keyed hashes: 16 bytes an id however long the
/// ids are, so an input of millions of lines is checked for duplicates in a few tens of megabytes.
///
/// The hash is two of Swift's `Hasher`s (SipHash, keyed per process) over the id's bytes, each with its own
/// prefix: two ids share both halves by chance with odds near 2⁻¹²⁸, and nobody who writes an input can
/// aim at a collision without the process's key. The table is open addressing with linear probing; the
/// hashes are uniform already, so their low bits pick the slot.
public struct CustomIDSet: Sendable {
    /// Slots of two words each; `(0, 0)` marks an empty slot (no hash is stored as that).
    private var slots: [UInt64]
    private var mask: Int
    /// Ids held.
    public private(set) var count = 0

    /// An empty set.
    public init() {
        slots = [UInt64](repeating: 0, count: 2 * 1024)
        mask = 1024 - 1
    }

    /// Adds `id`; false when it was there already.
    public mutating func insert(_ id: String) -> Bool {
        var id = id
        let key = id.withUTF8 { Self.key(of: UnsafeRawBufferPointer($0)) }
        if (count + 1) * 3 > (mask + 1) * 2 { grow() }
        return place(key)
    }

    private mutating func place(_ key: (UInt64, UInt64)) -> Bool {
        var slot = Int(truncatingIfNeeded: key.0) & mask
        while true {
            let first = slots[2 * slot], second = slots[2 * slot + 1]
            if first == 0, second == 0 {
                slots[2 * slot] = key.0
                slots[2 * slot + 1] = key.1
                count += 1
                return true
            }
            if first == key.0, second == key.1 { return false }
            slot = (slot + 1) & mask
        }
    }

    /// Doubles the table (kept at most two-thirds full, so probes stay short).
    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = (mask + 1) * 2 - 1
        count = 0
        var index = 0
        while index < old.count {
            if old[index] != 0 || old[index + 1] != 0 { _ = place((old[index], old[index + 1])) }
            index += 2
        }
    }

    private static func key(of bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var first = Hasher(), second = Hasher()
        first.combine(UInt8(1))
        second.combine(UInt8(2))
        first.combine(bytes: bytes)
        second.combine(bytes: bytes)
        let high = UInt64(UInt(bitPattern: first.finalize())), low = UInt64(UInt(bitPattern: second.finalize()))
        return high == 0 && low == 0 ? (0, 1) : (high, low)
    }
}
