/// `Duration` as the numbers that C calls, logs and metrics take.
extension Duration {
    /// The duration in seconds, fractions included (for logs, metrics and rates).
    @inlinable
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds, fractions included (for logs).
    @inlinable
    public var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// Whole milliseconds, the fraction dropped (a timeout for curl or a log field).
    @inlinable
    public var millisecondsRoundedDown: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole milliseconds, any fraction counting as one more (an `epoll_wait` timeout must not
    /// wake before its deadline and spin).
    @inlinable
    public var millisecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
