import CCurl

/// Why a transfer failed without a usable response: the kind (what callers branch on), libcurl's
/// code when there was one, whether the request may have reached the server, and a description.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: Sendable, Hashable {
        /// A connect, total or low-speed timeout.
        case timeout
        /// Nothing listens at the address (or a firewall refused).
        case connectionRefused
        /// The connection broke: reset, closed early, or a body shorter than its `Content-Length`.
        case connectionLost
        /// The host name could not be resolved.
        case dns
        /// The TLS handshake or certificate check failed.
        case tls
        /// The Swift task was cancelled (or the transport shut down) and the transfer aborted.
        case cancelled
        /// The request could not be made: a malformed URL, an option libcurl refused, libcurl missing.
        case invalidRequest
        /// A local file could not be read or written.
        case fileSystem
        /// The response body was larger than the request allowed.
        case responseTooLarge
        /// Any other libcurl failure.
        case other
    }

    /// The kind.
    public let kind: Kind
    /// libcurl's code, when the failure came from libcurl.
    public let curlCode: Int?
    /// Whether some of the request was sent: a failure after that is ambiguous (the server may have
    /// acted on it); before it, the request certainly had no effect.
    public let requestSent: Bool
    /// What failed, for a person.
    public let message: String

    /// Creates an error.
    public init(kind: Kind, message: String, curlCode: Int? = nil, requestSent: Bool = false) {
        self.kind = kind
        self.message = message
        self.curlCode = curlCode
        self.requestSent = requestSent
    }

    public var description: String {
        curlCode.map { "\(message) (curl \($0))" } ?? message
    }

    /// The one place libcurl's result codes become errors. `detail` is curl's error buffer (more
    /// specific than `curl_easy_strerror`); `cancelled` says the abort was ours.
    static func curl(_ code: CURLcode, detail: String, requestSent: Bool, cancelled: Bool) -> HTTPClientError {
        let kind: Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_COULDNT_CONNECT:
            kind = .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .dns
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED:
            kind = .tls
        case CURLE_ABORTED_BY_CALLBACK:
            kind = cancelled ? .cancelled : .other
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION,
             CURLE_NOT_BUILT_IN, CURLE_FAILED_INIT:
            kind = .invalidRequest
        case CURLE_READ_ERROR, CURLE_WRITE_ERROR:
            kind = .fileSystem
        case CURLE_FILESIZE_EXCEEDED:
            kind = .responseTooLarge
        default:
            kind = cancelled ? .cancelled : .other
        }
        let text = detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail
        let message: String
        switch kind {
        case .timeout: message = "timed out: \(text)"
        case .connectionRefused: message = "connection refused: \(text)"
        case .connectionLost: message = "connection lost: \(text)"
        case .dns: message = "host not found: \(text)"
        case .tls: message = "TLS failed: \(text)"
        case .cancelled: message = "cancelled"
        default: message = text
        }
        return HTTPClientError(kind: kind, message: message, curlCode: Int(code.rawValue), requestSent: requestSent)
    }

    /// A libcurl option or handle call that failed while the request was being prepared.
    static func setup(_ what: String, _ code: CURLcode) -> HTTPClientError {
        HTTPClientError(
            kind: .invalidRequest, message: "\(what): \(String(cString: ccurl_easy_strerror(code)))",
            curlCode: Int(code.rawValue)
        )
    }

    /// The task was cancelled before or while the transfer ran.
    static let cancelled = HTTPClientError(kind: .cancelled, message: "cancelled")
}
