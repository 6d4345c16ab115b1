import CLinux
import SystemIO

/// How `serve` gives memory back after a run (docs/ARCHITECTURE.md § Memory): glibc's allocator kept to
/// two arenas with large blocks always mapped on their own, and the free pages of the heaps returned to
/// the kernel every few seconds.
///
/// Without this a server that ran three batches of 50,000 requests stayed at ~91 MB resident, four times
/// its idle size: freed memory sat in up to sixteen arenas (8 a core), and line buffers of tens of MB
/// lived in heaps once glibc's mmap threshold had grown past them.
enum ServerMemory {
    /// Arenas for all threads: two is enough for two cores, and each more keeps free memory of its own.
    static let arenas: Int32 = 2
    /// Blocks from this size up are mapped on their own and unmapped when freed (a fixed threshold: the
    /// dynamic one rises to 32 MiB after the first large free).
    static let mmapThreshold: Int32 = 128 << 10
    /// How often free heap pages go back to the kernel: resident memory is back near idle within this
    /// long after a run ends.
    static let trimInterval: Duration = .seconds(10)

    /// Tunes the allocator; call before the server's threads start. False when glibc refused a setting.
    @discardableResult
    static func configure() -> Bool {
        clinux_malloc_configure(arenas, mmapThreshold) == 1
    }

    /// Returns free heap pages to the kernel every `trimInterval` until the task is cancelled. The trim
    /// walks the arenas under their locks, so it runs on a thread of its own, not on the pool.
    static func trimPeriodically() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: trimInterval) } catch { return }
            await BlockingThread.run("malloc-trim", stackSize: 64 << 10) { _ = clinux_malloc_trim() }
        }
    }
}
