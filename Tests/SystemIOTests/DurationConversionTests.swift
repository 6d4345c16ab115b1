import Testing
@testable import SystemIO

@Suite struct DurationConversionTests {
    @Test func secondsAndMilliseconds() {
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(Duration.microseconds(2500).inMilliseconds == 2.5)
        #expect(Duration.seconds(0).inSeconds == 0)
    }

    @Test(arguments: [
        (Duration.nanoseconds(1), Int64(0), Int64(1)),
        (.milliseconds(3), 3, 3),
        (.microseconds(2001), 2, 3),
        (.seconds(2) + .nanoseconds(999_999), 2000, 2001),
        (.zero, 0, 0),
    ])
    func wholeMilliseconds(duration: Duration, down: Int64, up: Int64) {
        #expect(duration.millisecondsRoundedDown == down)
        #expect(duration.millisecondsRoundedUp == up)
    }
}
