import Testing
@testable import HTTPServer

@Suite struct SocketAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1", false, "127.0.0.1:80"),
        ("0.0.0.0", "0.0.0.0", false, "0.0.0.0:80"),
        ("localhost", "127.0.0.1", false, "127.0.0.1:80"),
        ("::1", "::1", true, "[::1]:80"),
        ("[::1]", "::1", true, "[::1]:80"),
        ("::", "::", true, "[::]:80"),
        ("0:0:0:0:0:0:0:1", "::1", true, "[::1]:80"),
    ])
    func parsesNumericHosts(input: String, host: String, isIPv6: Bool, description: String) throws {
        let address = try SocketAddress(host: input, port: 80)
        #expect(address.host == host)
        #expect(address.isIPv6 == isIPv6)
        #expect(address.port == 80)
        #expect(address.description == description)
    }

    @Test(arguments: ["example.com", "", "1.2.3", "256.1.1.1", "[127.0.0.1]", "::g", "[::1"])
    func rejectsOtherHosts(input: String) {
        #expect(throws: TransportError.invalidAddress(input)) {
            try SocketAddress(host: input, port: 80)
        }
    }

    @Test func errorDescriptionsNameTheCallAndErrno() {
        let error = TransportError.system("bind", errno: 98)
        #expect(error.description.hasPrefix("bind failed: errno 98"))
        #expect(!error.isTimeout)
        #expect(TransportError.timedOut.isTimeout)
    }
}

@Suite struct TimerHeapTests {
    @Test func popsInDeadlineOrderAndCompacts() {
        var heap = TimerHeap<Int>()
        for value in patternBytes(200).map(Int.init) {
            heap.insert(value)
        }
        heap.removeAll { $0 % 2 == 1 }
        var popped: [Int] = []
        while let value = heap.popFirst() {
            popped.append(value)
        }
        #expect(popped == patternBytes(200).map(Int.init).filter { $0 % 2 == 0 }.sorted())
    }
}
