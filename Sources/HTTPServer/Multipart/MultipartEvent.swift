/// What `MultipartParser.feed(_:)` found in the bytes it was given, in order.
public enum MultipartEvent: Sendable {
    /// A part starts; its headers are complete.
    case partBegin(MultipartPartHeaders)
    /// The next bytes of the current part's body (a part's body may arrive in any number of these): a slice of
    /// the fed array, so a large upload passes through without being copied.
    case partData(ArraySlice<UInt8>)
    /// The current part's body is complete.
    case partEnd
    /// The closing delimiter was seen; anything after it (the epilogue) is ignored.
    case end
}
