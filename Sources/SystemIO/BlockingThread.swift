import Glibc

/// Runs blocking work (file I/O over hundreds of megabytes, zlib, parsing) on a dedicated thread
/// and awaits it, so the Swift concurrency pool (two threads here) never blocks.
///
/// One thread per job: jobs are few and long (milliseconds to seconds), so a thread's start-up cost
/// is noise, and no job can starve another behind a shared queue. Long-lived loops (epoll, curl's
/// multi handle) own their threads and do not come here.
public enum BlockingThread {
    /// Runs `body` on a new thread named `name` (the first 15 bytes show in `top -H` and gdb) and
    /// returns what it returned or threw.
    public static func run<T: Sendable, E: Error>(
        _ name: String,
        stackSize: Int = 1 << 20,
        _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            start(name, stackSize: stackSize) {
                continuation.resume(returning: Result { () throws(E) in try body() })
            }
        }
        return try result.get()
    }

    /// Starts a detached thread that runs `job` once.
    private static func start(_ name: String, stackSize: Int, _ job: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Job(name: name, body: job)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, max(stackSize, Int(PTHREAD_STACK_MIN)))
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            job.name.utf8CString.withUnsafeBufferPointer { name in
                // The kernel keeps 15 bytes and a NUL; a longer name would make the call fail.
                var short = Array(name.prefix(15))
                short.append(0)
                _ = BlockingThread.setName?(pthread_self(), short)
            }
            job.body()
            return nil
        }, context)
        if created != 0 {
            // No thread (EAGAIN: a process or memory limit): run here rather than never resume
            // the continuation; it blocks one pool thread for the job's length.
            Unmanaged<Job>.fromOpaque(context).takeRetainedValue().body()
        }
    }

    /// glibc declares `pthread_setname_np` only under `_GNU_SOURCE`, which the Swift Glibc module
    /// does not define, so it is looked up once at run time (a missing one leaves names unset).
    private static let setName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "pthread_setname_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
    }()

    /// What the new thread needs, passed through `pthread_create`'s context pointer.
    private final class Job: Sendable {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
