extension OpenAI {
    /// How long calls may take. JSON calls are bounded by `request`; file uploads and downloads,
    /// which may be hundreds of megabytes, by `transfer` (none by default) and the low-speed rule.
    public struct Timeouts: Sendable, Hashable {
        /// Time to connect (TCP and TLS).
        public var connect: Duration
        /// Time for a whole JSON call.
        public var request: Duration
        /// Time for a whole file upload or download; `nil` for no limit.
        public var transfer: Duration?
        /// A transfer slower than `lowSpeedBytesPerSecond` for this long is abandoned; `nil` disables it.
        public var lowSpeedWindow: Duration?
        /// The speed under which `lowSpeedWindow` counts.
        public var lowSpeedBytesPerSecond: Int

        /// Creates timeouts: 10 s to connect, 60 s per JSON call, no total limit on files, and a
        /// transfer under 1 byte/s for 60 s abandoned.
        public init(
            connect: Duration = .seconds(10),
            request: Duration = .seconds(60),
            transfer: Duration? = nil,
            lowSpeedWindow: Duration? = .seconds(60),
            lowSpeedBytesPerSecond: Int = 1
        ) {
            self.connect = connect
            self.request = request
            self.transfer = transfer
            self.lowSpeedWindow = lowSpeedWindow
            self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        }
    }
}
