#if canImport(Glibc)
import Glibc
#endif
import BatchCore
import SystemIO

/// Accounts for every `custom_id` of `input.jsonl`: found in `output.jsonl`, in `errors.jsonl`, or missing
/// (never run: a cancelled batch's requests that no file lists). The reference says to compute "not run"
/// as inputs − output − errors and never to join on order.
///
/// Streaming: each file is read once in chunks; memory holds only the input's ids. Blocking.
struct ResultAccounting: Sendable, Equatable {
    /// Requests in the input.
    var inputCount = 0
    /// Result lines of `output.jsonl`.
    var outputLines = 0
    /// Result lines of `errors.jsonl`.
    var errorLines = 0
    /// Input ids in neither file, in input order.
    var missing: [String] = []
    /// Result lines whose id is not in the input (or appears twice), counted for the log.
    var unexpected = 0

    /// Reads the three files of `folder`; a result file that does not exist counts as empty. Without an
    /// input (a batch submitted elsewhere) nothing can be missing.
    static func account(_ folder: BatchFolder) throws(WorkspaceError) -> ResultAccounting {
        var accounting = ResultAccounting()
        let inputPath = folder.file(BatchFolder.inputFile)
        guard access(inputPath, F_OK) == 0 else { return accounting }
        // id → position in the input, removed as results are found.
        var pending: [String: Int] = [:]
        try forEachLine(of: inputPath) { line in
            guard let id = CustomIDReader.customID(in: line) else { return }
            if pending.updateValue(accounting.inputCount, forKey: id) == nil { accounting.inputCount += 1 }
        }
        for (name, isOutput) in [(BatchFolder.outputFile, true), (BatchFolder.errorsFile, false)] {
            let path = folder.file(name)
            guard access(path, F_OK) == 0 else { continue }
            try forEachLine(of: path) { line in
                guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) else { return }
                if isOutput { accounting.outputLines += 1 } else { accounting.errorLines += 1 }
                guard let id = CustomIDReader.customID(in: line), pending.removeValue(forKey: id) != nil else {
                    accounting.unexpected += 1
                    return
                }
            }
        }
        accounting.missing = pending.sorted { $0.value < $1.value }.map(\.key)
        return accounting
    }

    /// Calls `body` with each line of `path` (SystemIO's reader: no `\n`, no trailing `\r`).
    private static func forEachLine(of path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(WorkspaceError) {
        do throws(SystemError) {
            let reader = try LineReader(path: path)
            while let line = try reader.next() { body(line) }
        } catch {
            throw WorkspaceError(error)
        }
    }
}
