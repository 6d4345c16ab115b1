import BatchCore
import Glibc
import Gzip
import Synchronization
import SystemIO

/// The BPE vocabularies of one folder (`BATCH_OPENAI_TOKENIZER_DIR`), loaded once, on first use, into a
/// `RequestTokenCounter`: the one way for the coordinator, the command line and the simulator's wiring
/// to count tokens. The folder holds `o200k_base.tiktoken` and/or `cl100k_base.tiktoken`, plain or gzipped
/// (`.tiktoken.gz`, as the PyPI package bpe-openai ships them); nothing is downloaded. Without a folder,
/// the counter estimates.
public final class TokenizerDirectory: Sendable {
    /// The environment variable that names the folder.
    public static let environmentVariable = "BATCH_OPENAI_TOKENIZER_DIR"

    /// The folder; `nil` when none is configured.
    public let path: String?
    private let loaded = Mutex<Result<RequestTokenCounter, TokenizerError>?>(nil)

    /// The vocabularies of `path` (none: estimates only).
    public init(path: String?) {
        self.path = path.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The folder named by `BATCH_OPENAI_TOKENIZER_DIR` in `environment`.
    public convenience init(environment: [String: String]) {
        self.init(path: environment[Self.environmentVariable])
    }

    /// The counter, loading the vocabularies the first time (about a second for `o200k_base`).
    /// **Blocking** on first use: from async code, call `counter()` with `await`.
    public func loadCounter() throws(TokenizerError) -> RequestTokenCounter {
        try loaded.withLock { (state: inout Result<RequestTokenCounter, TokenizerError>?) throws(TokenizerError) -> RequestTokenCounter in
            if let state { return try state.get() }
            let result: Result<RequestTokenCounter, TokenizerError>
            if let path {
                do throws(TokenizerError) { result = .success(try Self.load(folder: path)) } catch { result = .failure(error) }
            } else {
                result = .success(RequestTokenCounter())
            }
            state = result
            return try result.get()
        }
    }

    /// The counter; the first call loads the vocabularies on a thread of their own.
    public func counter() async throws(TokenizerError) -> RequestTokenCounter {
        try await BlockingThread.run("tokenizer") { () throws(TokenizerError) in try self.loadCounter() }
    }

    /// Loads every vocabulary of `folder`; throws when it holds none or one is unreadable or corrupt.
    public static func load(folder: String) throws(TokenizerError) -> RequestTokenCounter {
        var encodings: [BPEEncoding] = []
        for name in BPEEncoding.Name.allCases {
            let plain = folder + "/" + name.fileName
            if let bytes = try read(plain) {
                encodings.append(try encoding(name, bytes, path: plain))
            } else if let compressed = try read(plain + ".gz") {
                let bytes: [UInt8]
                do {
                    bytes = try GzipDecompressor.decompress(compressed, maxOutputBytes: 64 << 20)
                } catch {
                    throw .corrupt(plain + ".gz", "not a gzip file of at most 64 MB (\(error))")
                }
                encodings.append(try encoding(name, bytes, path: plain + ".gz"))
            }
        }
        guard !encodings.isEmpty else { throw .noVocabulary(folder) }
        return RequestTokenCounter(encodings: encodings)
    }

    private static func encoding(_ name: BPEEncoding.Name, _ bytes: [UInt8], path: String) throws(TokenizerError) -> BPEEncoding {
        do {
            return try BPEEncoding(name: name, tiktoken: bytes)
        } catch {
            throw .corrupt(path, error.description)
        }
    }

    /// The whole file, or `nil` when there is none.
    private static func read(_ path: String) throws(TokenizerError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .unreadable(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        do {
            return try SystemCall.readAll(fd, path: path)
        } catch {
            throw .unreadable(path, error.description)
        }
    }
}
