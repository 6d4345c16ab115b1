import CCurl
import Testing

/// libcurl is loaded on first use (dlopen), not linked: these check that the load works and is idempotent.
@Suite("libcurl loading")
struct CurlLoadingTests {
    @Test func loadsLibcurlOnFirstUse() throws {
        #expect(ccurl_global_init() == CURLE_OK)
        #expect(ccurl_load_error() == nil)
        let version = try #require(ccurl_version())
        #expect(String(cString: version).hasPrefix("libcurl/"))
        // Initialising again is harmless and returns the same result.
        #expect(ccurl_global_init() == CURLE_OK)
    }

    @Test func makesAndFreesHandlesThroughTheShim() throws {
        #expect(ccurl_global_init() == CURLE_OK)
        let handle = try #require(ccurl_easy_init())
        defer { ccurl_easy_cleanup(handle) }
        #expect(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, 1000) == CURLE_OK)
        #expect(ccurl_easy_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:9/") == CURLE_OK)
        var list = ccurl_slist_append(nil, "X-Test: 1")
        list = ccurl_slist_append(list, "X-Other: 2")
        #expect(list != nil)
        ccurl_slist_free_all(list)
        #expect(String(cString: ccurl_easy_strerror(CURLE_COULDNT_CONNECT)).lowercased().contains("connect"))
    }
}
