#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// Writes one uploaded part to a new, uniquely named file. Owns the file descriptor until `close()`.
///
/// The name is random (128 bits, hex) and the file is opened with `O_CREAT | O_EXCL`, so it is always a
/// new file the server chose; the client's filename never reaches a path.
struct UploadFileWriter {
    /// The file's path.
    let path: String
    /// Bytes written so far.
    private(set) var byteCount: Int64 = 0
    private var descriptor: Int32

    /// Creates and opens a new file (mode 0600) in `directory`.
    init(directory: String) throws {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        while true {
            var generator = SystemRandomNumberGenerator()
            let name = "upload-" + Self.hex(generator.next()) + Self.hex(generator.next())
            let candidate = base + "/" + name
            do {
                descriptor = try SystemCall.valueOrErrno { open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
                self.path = candidate
                return
            } catch {
                // A name that exists already: draw another.
                if error.rawValue == EEXIST { continue }
                throw MultipartError.fileSystem(call: "open", errno: error.rawValue).with(detail: candidate)
            }
        }
    }

    /// Appends `bytes` to the file with plain `write(2)` (SystemIO's write-all).
    mutating func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            do throws(SystemError) {
                try SystemCall.writeAll(descriptor, raw, path: path)
            } catch {
                throw MultipartError.fileSystem(call: "write", errno: error.errno).with(detail: path)
            }
        }
        byteCount += Int64(bytes.count)
    }

    /// Closes the file. No `fsync`: uploads are consumed right away, durability is the caller's choice.
    mutating func close() throws {
        guard descriptor >= 0 else { return }
        let result = Glibc.close(descriptor)
        descriptor = -1
        // After close(2) fails the descriptor is gone either way (Linux); report it but never retry.
        if result != 0 { throw MultipartError.fileSystem(call: "close", errno: errno).with(detail: path) }
    }

    /// Closes (ignoring errors) and deletes the file.
    mutating func discard() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
        unlink(path)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
