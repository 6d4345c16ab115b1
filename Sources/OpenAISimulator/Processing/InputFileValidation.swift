import BatchCore
import Glibc
import OpenAIClient
import SystemIO

/// The one place the simulator validates an input file: BatchCore's streaming `InputValidator`
/// (the same rules the command line's `validate` applies), fed in 1 MiB reads.
enum InputFileValidation {
    static let chunkSize = 1 << 20

    /// The verdict on a file for a batch with `endpoint`; errors are ready for `errors.data`.
    static func validate(path: String, endpoint: String) async throws -> (report: InputValidationReport, errors: [BatchError]) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var validator = InputValidator(expectedEndpoint: endpoint)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var reads = 0
        while true {
            let n: Int
            do throws(SystemError) {
                n = try SystemCall.read(fd, into: buffer, path: path)
            } catch {
                throw FileIOError(error)
            }
            if n == 0 { break }
            validator.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            reads += 1
            // A 200 MB file is 200 reads: let other tasks run between some of them.
            if reads % 16 == 0 { await Task.yield() }
        }
        let report = validator.finish()
        let errors = report.issues.map { BatchError(code: $0.code, message: $0.message, param: $0.param, line: $0.line) }
        return (report, errors)
    }
}
