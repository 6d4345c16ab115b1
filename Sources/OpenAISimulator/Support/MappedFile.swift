import Glibc

/// A stored file mapped read-only into memory, so a batch worked out ahead reads its lines in place
/// on every core: no copy into buffers, no shared file position. Safe because the simulator never
/// changes a stored file: deleting one unlinks it, and the mapping keeps the bytes alive.
///
/// Mapped pages count in the process's resident memory, so readers go front to back and `release`
/// what lies behind them: resident memory stays near a block's size, not the file's. Pages are
/// mapped by the faults of the tasks that read them (the kernel maps 16 at a fault); asking for them
/// ahead with `MADV_POPULATE_READ` or `MAP_POPULATE` measured slower.
final class MappedFile: @unchecked Sendable {  // its fields never change; madvise(2) is thread-safe
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeBufferPointer<UInt8>
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int

    /// Maps the file at `path`; throws `FileIOError` when it cannot.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileIOError(call: "fstat", path: path, errno: errno) }
        length = Int(info.st_size)
        guard length > 0 else {
            mapping = nil
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else { throw FileIOError(call: "mmap", path: path, errno: errno) }
        mapping = address
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: length)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    /// Unmaps the pages that lie wholly in `range` (they are read again from the page cache if
    /// touched later): resident memory no longer counts them.
    func release(_ range: Range<Int>) {
        guard let pages = pages(inside: range) else { return }
        _ = madvise(pages.start, pages.count, MADV_DONTNEED)
    }

    /// The pages wholly inside `range` (the file's last page counts as whole at its end).
    private func pages(inside range: Range<Int>) -> (start: UnsafeMutableRawPointer, count: Int)? {
        guard let mapping, !range.isEmpty else { return nil }
        let page = Self.pageSize
        let clamped = range.clamped(to: 0..<length)
        let low = (clamped.lowerBound + page - 1) / page * page
        let high = clamped.upperBound == length ? (clamped.upperBound + page - 1) / page * page : clamped.upperBound / page * page
        guard low < high else { return nil }
        return (mapping + low, min(high, (length + page - 1) / page * page) - low)
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// The file cut into ranges of whole lines of about `size` bytes (more when a line is longer):
    /// each but the last ends just after a `\n`.
    func blocks(of size: Int) -> [Range<Int>] {
        split(0..<bytes.count, every: max(1, size))
    }

    /// `range` (whole lines) cut into `parts` ranges of whole lines of about equal bytes, fewer
    /// when its lines are too few.
    func split(_ range: Range<Int>, parts: Int) -> [Range<Int>] {
        split(range, every: max(1, (range.count + parts - 1) / max(1, parts)))
    }

    private func split(_ range: Range<Int>, every size: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        while start < range.upperBound {
            var end = min(range.upperBound, start + size)
            if end < range.upperBound {
                // Up to the first newline from the nominal end on (a line longer than `size` makes a longer piece).
                end = Self.firstNewline(bytes, from: end - 1, before: range.upperBound).map { $0 + 1 } ?? range.upperBound
            }
            pieces.append(start..<end)
            start = end
        }
        return pieces
    }

    /// The lines of `range` (whole lines), without their `\n`.
    func lines(in range: Range<Int>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = range.lowerBound
        while start < range.upperBound {
            let end = Self.firstNewline(bytes, from: start, before: range.upperBound) ?? range.upperBound
            lines.append(start..<end)
            start = end + 1
        }
        return lines
    }

    private static func firstNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, before end: Int) -> Int? {
        guard let base = bytes.baseAddress, start < end, let found = memchr(base + start, 0x0A, end - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
