/// The items an earlier run left in `index.json`, by `custom_id`, so that a run limited by `only` keeps
/// the entries of the results it does not touch as they were.
///
/// Read with the scanner member by member (`ParseIndex.forEachItem`). A missing or unreadable index gives
/// no entries: the run then describes the others from the result files and `docs/` alone.
struct PreviousEntries {
    private var byID: [String: [ParseIndex.Item]] = [:]

    /// No earlier entries.
    init() {}

    /// The entries of the index at `path`.
    init(path: String) {
        ParseIndex.forEachItem(inIndexAt: path) { item in
            guard let id = item.customID else { return }
            byID[id, default: []].append(item)
        }
    }

    /// The earlier entry of `id` for `file` (ids may repeat; each of their documents has its own file).
    func entry(for id: String, file: String?) -> ParseIndex.Item? {
        byID[id]?.first { $0.file == file }
    }
}
