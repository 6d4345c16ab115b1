/// One page of a cursor-paginated list (`GET /files`, `GET /batches`).
///
/// The next page is requested with `after` = `lastID` (or the last item's id) while `hasMore`.
public struct ListPage<Element: Codable & Sendable>: Sendable, Codable {
    /// Always `list`.
    public var object: String
    /// The items of this page.
    public var data: [Element]
    /// The id of the first item, if any.
    public var firstID: String?
    /// The id of the last item, if any.
    public var lastID: String?
    /// Whether more items follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(data: [Element], firstID: String?, lastID: String?, hasMore: Bool, object: String = "list") {
        self.object = object
        self.data = data
        self.firstID = firstID
        self.lastID = lastID
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey {
        case object, data
        case firstID = "first_id"
        case lastID = "last_id"
        case hasMore = "has_more"
    }

    /// Decodes tolerantly: a missing `has_more` reads as `false`, missing `data` as empty.
    /// Elements that fail to decode make the page fail: dropping them would silently lose items.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        object = c.tolerantString(.object) ?? "list"
        if c.contains(.data), try c.decodeNil(forKey: .data) == false {
            data = try c.decode([Element].self, forKey: .data)
        } else {
            data = []
        }
        firstID = c.tolerantString(.firstID)
        lastID = c.tolerantString(.lastID)
        hasMore = c.tolerantBool(.hasMore) ?? false
    }

    /// Encodes every key, `null` for absent ids.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(object, forKey: .object)
        try c.encode(data, forKey: .data)
        try c.encode(firstID, forKey: .firstID)
        try c.encode(lastID, forKey: .lastID)
        try c.encode(hasMore, forKey: .hasMore)
    }
}
