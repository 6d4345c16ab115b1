import CCurl
import Glibc
import Synchronization
import SystemIO

/// One transfer: owns a libcurl easy handle and every buffer, header list and mime form that
/// libcurl points into while it runs, and frees them in `deinit`.
///
/// Audited `@unchecked Sendable`: the calling task configures the handle in `init`, then hands the
/// object to the multi thread, which alone touches the handle and the mutable state until it
/// resumes `continuation` (after which nobody touches them). Only `cancelled` (an atomic) is shared.
final class CurlTransfer: @unchecked Sendable {
    typealias Outcome = Result<HTTPResponse, HTTPClientError>

    /// The easy handle.
    let handle: UnsafeMutableRawPointer
    /// Set by the cancelling task; read by the progress callback and the multi thread.
    let cancelled = Atomic<Bool>(false)
    /// Resumed once, on the multi thread, with the outcome.
    var continuation: CheckedContinuation<Outcome, Never>?

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    private var postBody: UnsafeMutableRawBufferPointer?
    private var uploadFD: Int32 = -1
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Where a 2xx body goes: this descriptor (owned by the caller), or memory when -1.
    private let sinkFD: Int32
    private let maxMemoryBytes: Int

    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private var body: [UInt8] = []
    private var written: Int64 = 0
    private var localError: HTTPClientError?

    /// Prepares a transfer of `request` (nothing is sent until the multi thread adds it).
    init(_ request: HTTPRequest, defaults: HTTPTimeouts, sinkFD: Int32 = -1) throws {
        guard let handle = ccurl_easy_init() else {
            throw HTTPClientError(kind: .invalidRequest, message: "curl_easy_init failed")
        }
        self.handle = handle
        self.sinkFD = sinkFD
        // A download keeps only an error body in memory, and a small one.
        self.maxMemoryBytes = sinkFD >= 0 ? min(request.maxResponseBytes, 1 << 20) : request.maxResponseBytes
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(request, timeouts: request.timeouts ?? defaults)
    }

    deinit {
        // The handle first: it may point into the form, the header list and the body.
        ccurl_easy_cleanup(handle)
        ccurl_mime_free(mime)
        ccurl_slist_free_all(headerList)
        postBody?.deallocate()
        if uploadFD >= 0 { close(uploadFD) }
        errorBuffer.deallocate()
    }

    // MARK: - Setup

    private func set(_ option: CURLoption, _ value: Int, _ name: String) throws {
        let code = ccurl_easy_setopt_long(handle, option, value)
        guard code == CURLE_OK else { throw HTTPClientError.setup(name, code) }
    }

    private func set(_ option: CURLoption, _ value: String, _ name: String) throws {
        let code = ccurl_easy_setopt_string(handle, option, value)
        guard code == CURLE_OK else { throw HTTPClientError.setup(name, code) }
    }

    private func set(_ option: CURLoption, int64 value: Int64, _ name: String) throws {
        let code = ccurl_easy_setopt_off_t(handle, option, value)
        guard code == CURLE_OK else { throw HTTPClientError.setup(name, code) }
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?, _ name: String) throws {
        let code = ccurl_easy_setopt_pointer(handle, option, value)
        guard code == CURLE_OK else { throw HTTPClientError.setup(name, code) }
    }

    private func check(_ code: CURLcode, _ name: String) throws {
        guard code == CURLE_OK else { throw HTTPClientError.setup(name, code) }
    }

    private func configure(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_URL, request.url, "URL")
        // Signals cannot be used for timeouts in a threaded process.
        try set(CURLOPT_NOSIGNAL, 1, "NOSIGNAL")
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer), "ERRORBUFFER")
        // Larger buffers than curl's 16 KiB default: fewer callbacks and syscalls on big files.
        try set(CURLOPT_BUFFERSIZE, 256 * 1024, "BUFFERSIZE")
        try set(CURLOPT_UPLOAD_BUFFERSIZE, 512 * 1024, "UPLOAD_BUFFERSIZE")
        try set(CURLOPT_TCP_KEEPALIVE, 1, "TCP_KEEPALIVE")

        try set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connect.curlMilliseconds, "CONNECTTIMEOUT_MS")
        try set(CURLOPT_TIMEOUT_MS, timeouts.total?.curlMilliseconds ?? 0, "TIMEOUT_MS")
        if let window = timeouts.lowSpeedWindow {
            try set(CURLOPT_LOW_SPEED_LIMIT, max(1, timeouts.lowSpeedBytesPerSecond), "LOW_SPEED_LIMIT")
            try set(CURLOPT_LOW_SPEED_TIME, max(1, Int((window.curlMilliseconds + 999) / 1000)), "LOW_SPEED_TIME")
        }

        try check(ccurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue().receive(buffer, size * count)
        }, "WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: context, "WRITEDATA")
        try check(ccurl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
            Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue().header(buffer, size * count)
        }, "HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, pointer: context, "HEADERDATA")
        try check(ccurl_easy_setopt_progress_callback(handle) { context, _, _, _, _ in
            // Non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
            Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
        }, "XFERINFOFUNCTION")
        try set(CURLOPT_XFERINFODATA, pointer: context, "XFERINFODATA")

        try configureBody(request)

        for (name, value) in request.headers {
            // Checked as bytes: a "\r\n" pair is one Character and would slip past a Character test.
            guard !name.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x3A }), !name.isEmpty,
                  !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
                throw HTTPClientError(kind: .invalidRequest, message: "header \(name) contains a line break or colon")
            }
            guard let list = ccurl_slist_append(headerList, "\(name): \(value)") else {
                throw HTTPClientError(kind: .invalidRequest, message: "curl_slist_append failed")
            }
            headerList = list
        }
        if let headerList { try check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER") }
    }

    private func configureBody(_ request: HTTPRequest) throws {
        let method = request.method.uppercased()
        switch request.body {
        case .none:
            if method == "POST" || method == "PUT" || method == "PATCH" {
                try setBytes([])
            } else if method == "HEAD" {
                try set(CURLOPT_NOBODY, 1, "NOBODY")
            }
        case .bytes(let bytes):
            try setBytes(bytes)
        case .multipart(let parts):
            try setMultipart(parts)
        case .file(let path):
            try setFile(path)
        }
        let natural: String
        switch request.body {
        case .none: natural = method == "HEAD" ? "HEAD" : (postBody == nil ? "GET" : "POST")
        default: natural = "POST"
        }
        if method != natural { try set(CURLOPT_CUSTOMREQUEST, method, "CUSTOMREQUEST") }
    }

    private func setBytes(_ bytes: [UInt8]) throws {
        // A copy that lives as long as the handle: libcurl reads POSTFIELDS without copying.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        }
        postBody = buffer
        try set(CURLOPT_POSTFIELDSIZE_LARGE, int64: Int64(bytes.count), "POSTFIELDSIZE_LARGE")
        try set(CURLOPT_POSTFIELDS, pointer: buffer.baseAddress, "POSTFIELDS")
    }

    private func setMultipart(_ parts: [MultipartPart]) throws {
        guard let form = ccurl_mime_init(handle) else {
            throw HTTPClientError(kind: .invalidRequest, message: "curl_mime_init failed")
        }
        mime = form
        for part in parts {
            guard let mimePart = ccurl_mime_addpart(form) else {
                throw HTTPClientError(kind: .invalidRequest, message: "curl_mime_addpart failed")
            }
            try check(ccurl_mime_name(mimePart, part.name), "mime name")
            switch part.content {
            case .text(let value):
                // curl copies the data.
                let count = value.utf8.count
                try check(ccurl_mime_data(mimePart, value, count), "mime data")
            case .file(let path, let filename, let contentType):
                try Self.checkReadableFile(path)
                try check(ccurl_mime_filedata(mimePart, path), "mime filedata \(path)")
                try check(ccurl_mime_filename(mimePart, filename), "mime filename")
                if let contentType { try check(ccurl_mime_type(mimePart, contentType), "mime type") }
            }
        }
        try check(ccurl_easy_setopt_mime(handle, form), "MIMEPOST")
    }

    private func setFile(_ path: String) throws {
        let size = try Self.checkReadableFile(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.fileError("cannot open \(path)", errno) }
        uploadFD = fd
        try set(CURLOPT_POST, 1, "POST")
        try set(CURLOPT_POSTFIELDSIZE_LARGE, int64: size, "POSTFIELDSIZE_LARGE")
        try check(ccurl_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue().send(buffer, size * count)
        }, "READFUNCTION")
        try set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(self).toOpaque(), "READDATA")
    }

    /// The size of a regular, readable file, or a clear error (curl's own is vague).
    @discardableResult
    static func checkReadableFile(_ path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw fileError("cannot read \(path)", errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw HTTPClientError(kind: .fileSystem, message: "\(path) is not a regular file")
        }
        guard access(path, R_OK) == 0 else { throw fileError("cannot read \(path)", errno) }
        return Int64(info.st_size)
    }

    static func fileError(_ what: String, _ code: Int32) -> HTTPClientError {
        HTTPClientError(kind: .fileSystem, message: "\(what): \(String(cString: strerror(code)))")
    }

    // MARK: - Callbacks (multi thread)

    private func header(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let buffer, length > 0 else { return length }
        // Trimmed as bytes: Swift reads "\r\n" as one Character, which neither "\r" nor "\n" matches.
        var raw = UnsafeRawBufferPointer(start: buffer, count: length)[...]
        while let last = raw.last, last == 0x0A || last == 0x0D { raw = raw.dropLast() }
        let line = String(decoding: raw, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response head (after 100 Continue, for one): only the last one counts.
            headers = []
            let fields = line.split(separator: " ", maxSplits: 2)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name: name, value: value))
        }
        return length
    }

    private func receive(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let buffer, length > 0 else { return length }
        if sinkFD >= 0, (200..<300).contains(status) {
            do {
                try SystemCall.writeAll(sinkFD, UnsafeRawBufferPointer(start: buffer, count: length))
            } catch {
                localError = Self.fileError("cannot write the downloaded file", error.errno)
                return 0
            }
            written += Int64(length)
            return length
        }
        guard body.count + length <= maxMemoryBytes else {
            localError = HTTPClientError(
                kind: .responseTooLarge, message: "response body larger than \(maxMemoryBytes) bytes", requestSent: true
            )
            return 0
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
        return length
    }

    private func send(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let buffer else { return 0 }
        do {
            return try SystemCall.valueOrErrno { read(uploadFD, buffer, length) }
        } catch {
            localError = Self.fileError("cannot read the file being uploaded", error.rawValue)
            return Int(CURL_READFUNC_ABORT)
        }
    }

    // MARK: - Completion (multi thread)

    /// The outcome once libcurl reports the transfer done with `code`.
    func outcome(_ code: CURLcode) -> Outcome {
        let wasCancelled = cancelled.load(ordering: .relaxed)
        guard code == CURLE_OK else {
            if wasCancelled { return .failure(.cancelled) }
            if let localError { return .failure(localError) }
            var requestSize = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
            let detail = String(cString: errorBuffer)
            return .failure(.curl(code, detail: detail, requestSent: requestSize > 0, cancelled: wasCancelled))
        }
        var responseCode = 0
        if ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode) == CURLE_OK, responseCode > 0 {
            status = responseCode
        }
        let downloaded = sinkFD >= 0 && (200..<300).contains(status)
        if downloaded, let announced = headers.first(where: { $0.name.caseInsensitiveEquals("Content-Length") })
            .flatMap({ Int64($0.value) }), announced != written {
            return .failure(HTTPClientError(
                kind: .connectionLost, message: "connection lost: received \(written) of \(announced) bytes", requestSent: true
            ))
        }
        let response = HTTPResponse(
            status: status, headers: headers, body: downloaded ? [] : body, downloadedBytes: downloaded ? written : nil
        )
        return .success(response)
    }

    /// Resumes the waiting task; called exactly once, on the multi thread.
    func complete(_ outcome: Outcome) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(returning: outcome)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}
