import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the commands write, and whether a person is watching.
///
/// Decorated output (emoji, a redrawn progress bar) only goes to a terminal; a pipe or a file gets plain
/// lines that `grep` and logs read well.
enum Console {
    /// Whether stdout is a terminal.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 && !isDumbTerminal }

    /// Whether stderr is a terminal.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 && !isDumbTerminal }

    private static var isDumbTerminal: Bool { ProcessInfo.processInfo.environment["TERM"] == "dumb" }

    /// Writes a line to stdout and flushes it, so that a script following the output sees it at once.
    static func out(_ line: String) {
        print(line)
        fflush(nil)  // nil flushes every stream; Glibc's `stdout` global is not concurrency-safe to name
    }

    /// Writes a line to stderr (unbuffered).
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes text to stdout or stderr without a newline and flushes it (for redrawing a line).
    static func write(_ text: String, toStandardError: Bool) {
        if toStandardError {
            FileHandle.standardError.write(Data(text.utf8))
        } else {
            print(text, terminator: "")
            fflush(nil)  // nil flushes every stream; Glibc's `stdout` global is not concurrency-safe to name
        }
    }
}
