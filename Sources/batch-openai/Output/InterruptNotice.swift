import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// What Ctrl-C prints while `run` follows a batch: the batch is not lost, it goes on on the server, and
/// this is how to find it again. Then the process exits with 130, as shells expect after SIGINT.
/// Signals are caught the one way the package has, `SignalWatch`.
final class InterruptNotice: Sendable {
    private let watch: SignalWatch

    /// Installs the handler for SIGINT with `message` (printed on stderr after a fresh line).
    init(message: String) {
        let text = "\n" + message + "\n"
        watch = SignalWatch([SIGINT]) { _ in
            FileHandle.standardError.write(Data(text.utf8))
            exit(130)
        }
    }

    deinit {
        watch.cancel()
    }
}
