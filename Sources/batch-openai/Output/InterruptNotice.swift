import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What Ctrl-C prints while `run` follows a batch: the batch is not lost, it goes on on the server, and
/// this is how to find it again. Then the process exits with 130, as shells expect after SIGINT.
final class InterruptNotice: Sendable {
    // Audited: the source is created and resumed in `init` and only cancelled in `deinit`; Dispatch
    // serialises its handler, which touches nothing but its own captured, immutable text.
    nonisolated(unsafe) private let source: any DispatchSourceSignal

    /// Installs the handler for SIGINT with `message` (printed on stderr after a fresh line).
    init(message: String) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let text = "\n" + message + "\n"
        source.setEventHandler {
            FileHandle.standardError.write(Data(text.utf8))
            exit(130)
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
