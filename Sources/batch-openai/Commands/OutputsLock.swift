import Glibc
import SystemIO

/// A shared `flock(2)` on `<outputs>/.serve.lock`, held for the life of `serve`, so that `scripts/clean.sh` can tell the folder is in use and
/// refuse to empty it. The kernel releases the lock when the process ends, even by `kill -9`, so a
/// crash never leaves the folder locked. Shared, so several holders do not exclude each other; the
/// cleaner asks for an exclusive lock, which any holder denies.
final class OutputsLock {
    /// The lock file's name inside the outputs folder; `clean.sh` leaves it in place.
    static let fileName = ".serve.lock"

    private let descriptor: Int32

    /// Takes the lock, or fails when the folder is being cleaned (an exclusive lock is held).
    init(outputs: String) throws {
        let path = outputs + "/" + Self.fileName
        let fd: Int32
        do {
            fd = try SystemCall.call("open", path: path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        } catch {
            throw CommandFailure("\(error)")
        }
        do {
            _ = try SystemCall.valueOrErrno { flock(fd, LOCK_SH | LOCK_NB) }
        } catch {
            close(fd)
            throw CommandFailure(error.rawValue == EWOULDBLOCK
                ? "\(outputs) is being cleaned (another process holds \(path)); try again when it is done"
                : "cannot lock \(path): \(String(cString: strerror(error.rawValue)))")
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }
}
