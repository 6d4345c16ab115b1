import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// Collects the data results of one kind (`DataResult.Kind`) while the parser reads the result files in
/// output order, then writes them to their data file in input order (docs/ARCHITECTURE.md § Data results).
///
/// Lines go to an unnamed spool file as they come (a 50,000-vector batch holds over a gigabyte of
/// digits, so memory keeps only each line's place), and are copied from there in input order at the end.
/// The spool is unlinked as soon as it is opened: a crash leaves nothing behind.
final class DataFileWriter {
    /// Where one line sits in the spool.
    private struct Entry {
        /// The id's place in the input; results the input does not list come after, in output order.
        var position: Int
        var sequence: Int
        var offset: Int
        var length: Int
    }

    let kind: DataResult.Kind
    private let spool: Int32
    private let spoolPath: String
    private var entries: [Entry] = []
    private var size = 0

    /// Opens a spool in `directory` (the batch folder, on the same file system as `docs/`).
    init(kind: DataResult.Kind, directory: String) throws(ParseError) {
        self.kind = kind
        spoolPath = DurableFile.temporaryName(for: directory + "/" + kind.file)
        let path = spoolPath
        do {
            spool = try SystemCall.call("open", path: path) { open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        } catch {
            throw ParseError(error, file: path)
        }
        unlink(path)
    }

    deinit {
        close(spool)
    }

    /// True when no result was added.
    var isEmpty: Bool { entries.isEmpty }

    /// Adds one result's line; `position` is its id's place in the input (nil: not in the input).
    func add(_ line: [UInt8], position: Int?) throws(ParseError) {
        do {
            try SystemCall.writeAll(spool, line, path: spoolPath)
        } catch {
            throw ParseError(error, file: spoolPath)
        }
        entries.append(Entry(position: position ?? Int.max, sequence: entries.count, offset: size, length: line.count))
        size += line.count
    }

    /// Writes every line, in input order, through `file`, a megabyte at a time.
    func copy(into file: DurableFile) throws(ParseError) {
        entries.sort { ($0.position, $0.sequence) < ($1.position, $1.sequence) }
        var chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
        defer { chunk.deallocate() }
        var used = 0
        do throws(SystemError) {
            for entry in entries {
                if used + entry.length > chunk.count {
                    try file.append(UnsafeRawBufferPointer(rebasing: chunk[0..<used]))
                    used = 0
                }
                if entry.length > chunk.count {
                    // One line longer than the chunk (a request embedding many inputs): a chunk of its size.
                    chunk.deallocate()
                    chunk = .allocate(byteCount: entry.length, alignment: 1)
                }
                try readExactly(into: UnsafeMutableRawBufferPointer(rebasing: chunk[used..<(used + entry.length)]), at: entry.offset)
                used += entry.length
            }
            try file.append(UnsafeRawBufferPointer(rebasing: chunk[0..<used]))
        } catch {
            throw ParseError(error, file: file.path)
        }
    }

    private func readExactly(into target: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemError) {
        var done = 0
        while done < target.count {
            let count = try SystemCall.call("pread", path: spoolPath) {
                pread(spool, target.baseAddress! + done, target.count - done, off_t(offset + done))
            }
            guard count > 0 else { throw SystemError.call("pread", path: spoolPath, errno: EIO) }
            done += count
        }
    }
}
