extension TokenRankTable {
    /// Merges a long piece in O(n log n), with the same result as the quadratic scan: parts form a linked
    /// list, candidate pairs wait in a min-heap keyed by (rank, start), so the lowest rank and then the
    /// leftmost pair merges first, as in tiktoken; an entry whose pair has changed since it was pushed is
    /// dropped when it comes up. Returns the number of parts left.
    func mergeLongPiece(_ piece: UnsafePointer<UInt8>, _ length: Int) -> Int {
        let next = UnsafeMutablePointer<Int32>.allocate(capacity: length + 1)
        let previous = UnsafeMutablePointer<Int32>.allocate(capacity: length + 1)
        let pairRank = UnsafeMutablePointer<UInt32>.allocate(capacity: length + 1)
        var heap = MinHeap(capacity: 3 * length)
        defer {
            next.deallocate()
            previous.deallocate()
            pairRank.deallocate()
            heap.deallocate()
        }
        for index in 0...length {
            next[index] = Int32(index + 1)
            previous[index] = Int32(index - 1)
        }
        // Part `index` spans start `index` to `next[index]`; `length` is the end sentinel.
        func rankOfPair(_ index: Int) -> UInt32 {
            let second = Int(next[index])
            guard second < length else { return .max }
            let end = Int(next[second])
            return rank(of: piece + index, count: end - index) ?? .max
        }
        for index in 0..<length {
            pairRank[index] = rankOfPair(index)
            if pairRank[index] != .max { heap.push(UInt64(pairRank[index]) << 32 | UInt64(index)) }
        }
        var parts = length
        while let top = heap.pop() {
            let index = Int(top & 0xFFFF_FFFF)
            let rank = UInt32(top >> 32)
            // Stale: the part was absorbed (its rank is reset to max) or its pair changed.
            guard pairRank[index] == rank else { continue }
            let absorbed = Int(next[index])
            let after = Int(next[absorbed])
            next[index] = Int32(after)
            if after <= length { previous[after] = Int32(index) }
            pairRank[absorbed] = .max
            parts -= 1
            pairRank[index] = rankOfPair(index)
            if pairRank[index] != .max { heap.push(UInt64(pairRank[index]) << 32 | UInt64(index)) }
            let before = Int(previous[index])
            if before >= 0 {
                pairRank[before] = rankOfPair(before)
                if pairRank[before] != .max { heap.push(UInt64(pairRank[before]) << 32 | UInt64(before)) }
            }
        }
        return parts
    }
}

/// A binary min-heap of `UInt64` keys in storage the caller frees.
private struct MinHeap {
    private let storage: UnsafeMutablePointer<UInt64>
    private let capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    func deallocate() { storage.deallocate() }

    mutating func push(_ key: UInt64) {
        precondition(count < capacity, "heap overflow")
        var index = count
        count += 1
        while index > 0 {
            let parent = (index - 1) / 2
            guard storage[parent] > key else { break }
            storage[index] = storage[parent]
            index = parent
        }
        storage[index] = key
    }

    mutating func pop() -> UInt64? {
        guard count > 0 else { return nil }
        let top = storage[0]
        count -= 1
        let last = storage[count]
        var index = 0
        while true {
            var child = 2 * index + 1
            guard child < count else { break }
            if child + 1 < count, storage[child + 1] < storage[child] { child += 1 }
            guard storage[child] < last else { break }
            storage[index] = storage[child]
            index = child
        }
        storage[index] = last
        return top
    }
}
