import SystemIO
/// How long a transfer may take: to connect, in all, and how slow it may get before it is abandoned.
public struct HTTPTimeouts: Sendable, Hashable {
    /// Time to establish the connection (TCP and TLS).
    public var connect: Duration
    /// Time for the whole transfer; `nil` for no limit (large files rely on `lowSpeed` instead).
    public var total: Duration?
    /// A transfer slower than `lowSpeedBytesPerSecond` for this long is abandoned; `nil` disables it.
    public var lowSpeedWindow: Duration?
    /// The speed, in bytes per second, under which `lowSpeedWindow` counts.
    public var lowSpeedBytesPerSecond: Int

    /// Creates timeouts. The defaults suit API calls: 10 s to connect, 60 s in all, abandon a
    /// transfer under 1 byte/s for 30 s.
    public init(
        connect: Duration = .seconds(10),
        total: Duration? = .seconds(60),
        lowSpeedWindow: Duration? = .seconds(30),
        lowSpeedBytesPerSecond: Int = 1
    ) {
        self.connect = connect
        self.total = total
        self.lowSpeedWindow = lowSpeedWindow
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 for a positive duration (curl reads 0 as "no limit").
    var curlMilliseconds: Int {
        let ms = millisecondsRoundedDown
        return ms <= 0 && self > .zero ? 1 : Int(ms)
    }
}
