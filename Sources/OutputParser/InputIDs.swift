import BatchCore
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// The `custom_id`s of a batch's `input.jsonl`, in input order: what a parse accounts for (an id no
/// result file lists is `missing`), checks `only` against, and orders data files by (results come back
/// in any order; the reference says to join on `custom_id`, never on position).
///
/// Only the ids are kept (`CustomIDReader` stops at the id of each line), so a 200 MB input costs its
/// ids' memory, not its size. A batch without a local input (a result folder copied from elsewhere)
/// has none: nothing can be missing and data files follow output order.
struct InputIDs {
    /// The ids, in input order (a repeated id counts once, at its first line).
    private(set) var ordered: [String] = []
    /// id → its index in `ordered`.
    private(set) var position: [String: Int] = [:]

    /// No input.
    init() {}

    /// The ids of `path`, or none when it does not exist.
    init(path: String, maxLineBytes: Int) throws(ParseError) {
        let reader: LineReader
        do {
            reader = try LineReader(path: path, maxLineBytes: maxLineBytes)
        } catch {
            if error.errno == ENOENT { return }
            throw ParseError(error, file: "input.jsonl")
        }
        do throws(SystemError) {
            while let line = try reader.next() {
                guard let id = CustomIDReader.customID(in: line), position[id] == nil else { continue }
                position[id] = ordered.count
                ordered.append(id)
            }
        } catch {
            throw ParseError(error, file: "input.jsonl")
        }
    }

    /// True when the input has `id`.
    func contains(_ id: String) -> Bool {
        position[id] != nil
    }
}
