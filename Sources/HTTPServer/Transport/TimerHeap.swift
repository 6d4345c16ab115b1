/// A binary min-heap: O(log n) insert and pop of the earliest element.
///
/// The event loop keeps its deadlines here so that an idle connection costs nothing per wake-up;
/// entries of waiters that were resumed early stay behind as stale entries and are dropped when
/// they reach the top or when `removeAll(where:)` compacts the heap.
struct TimerHeap<Element: Comparable> {
    private var storage: [Element] = []

    /// Number of entries, stale ones included.
    var count: Int { storage.count }

    /// The smallest element, if any.
    var first: Element? { storage.first }

    /// Adds an element in O(log n).
    mutating func insert(_ element: Element) {
        storage.append(element)
        siftUp(storage.count - 1)
    }

    /// Removes and returns the smallest element in O(log n).
    mutating func popFirst() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let smallest = storage.removeLast()
        if !storage.isEmpty {
            siftDown(0)
        }
        return smallest
    }

    /// Drops every element matching `shouldRemove` and restores heap order in O(n).
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        storage.removeAll(where: shouldRemove)
        var index = storage.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    /// Empties the heap.
    mutating func removeAll() {
        storage.removeAll()
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { return }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            let right = left + 1
            if right < count && storage[right] < storage[left] {
                smallest = right
            }
            guard storage[smallest] < storage[parent] else { return }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
