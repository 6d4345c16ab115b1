import Glibc
import Testing
@testable import SystemIO

/// Every test runs on its own thread (`offPool`): fsync and syncfs on this shared disk can take
/// seconds, and a synchronous test would hold one of the cooperative pool's two threads meanwhile,
/// stalling the socket suites that run beside it.
@Suite struct DurableFileTests {
    @Test(arguments: [Durability.synced, .deferred])
    func writesTheContentAndLeavesNoTemporary(durability: Durability) async throws {
        try await offPool {
            let folder = TemporaryFolder()
            defer { folder.remove() }
            try DurableFile.write(Array("first".utf8), to: folder.path + "/state.json", durability: durability)
            try DurableFile.write(Array("second".utf8), to: folder.path + "/state.json", durability: durability)
            #expect(try folder.read("state.json") == Array("second".utf8))
            #expect(folder.entries() == ["state.json"])
        }
    }

    @Test func appendsAreCommittedTogether() async throws {
        try await offPool {
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let file = try DurableFile(path: folder.path + "/index.json")
            try file.append(Array("{\"a\":".utf8))
            #expect(folder.entries().count == 1 && DurableFile.isTemporary(folder.entries()[0]))
            #expect(!folder.entries().contains("index.json"))
            try file.append(Array("1}".utf8))
            try file.commit()
            #expect(try folder.read("index.json") == Array("{\"a\":1}".utf8))
            #expect(folder.entries() == ["index.json"])
        }
    }

    @Test func abandonRemovesTheTemporary() async throws {
        try await offPool {
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let file = try DurableFile(path: folder.path + "/index.json")
            try file.append([1, 2, 3])
            file.abandon()
            #expect(folder.entries().isEmpty)
        }
    }

    @Test func aMissingFolderIsAnErrorNamingTheCallAndPath() async throws {
        try await offPool {
            do throws(SystemError) {
                try DurableFile.write([1], to: "/tmp/systemio-missing-folder/x.json", durability: .synced)
                Issue.record("write succeeded")
            } catch {
                #expect(error.call == "open")
                #expect(error.errno == ENOENT)
                #expect(error.path?.hasPrefix("/tmp/systemio-missing-folder/.x.json.tmp-") == true)
            }
        }
    }

    /// A rename that fails (the target is a non-empty folder) removes the temporary file.
    @Test func aFailedRenameLeavesNoTemporary() async throws {
        try await offPool {
            let folder = TemporaryFolder()
            defer {
                unlink(folder.path + "/taken/inside")
                rmdir(folder.path + "/taken")
                folder.remove()
            }
            #expect(mkdir(folder.path + "/taken", 0o755) == 0)
            try folder.write("taken/inside", [0])
            #expect(throws: SystemError.self) {
                try DurableFile.write([1], to: folder.path + "/taken", durability: .synced)
            }
            #expect(folder.entries() == ["taken"])
        }
    }

    /// `write` to a full device fails at once; it is how a lost write would surface at `close` on
    /// a network file system, which a test cannot provoke here. The temporary is removed.
    @Test func aFailedWriteIsReportedAndCleanedUp() async throws {
        try await offPool {
            guard access("/dev/full", W_OK) == 0 else { return }
            let fd = open("/dev/full", O_WRONLY)
            defer { close(fd) }
            #expect(throws: SystemError.call("write", path: "/dev/full", errno: ENOSPC)) {
                try SystemCall.writeAll(fd, [1, 2, 3], path: "/dev/full")
            }
        }
    }

    @Test func manyFilesInAFolderThenOneSync() async throws {
        try await offPool {
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let fd = open(folder.path, O_RDONLY | O_DIRECTORY)
            defer { close(fd) }
            for index in 0..<20 {
                try DurableFile.write(Array("doc \(index)".utf8), to: "doc\(index).md", inFolder: fd, displayRoot: folder.path)
            }
            try DurableFile.write(Array("again".utf8), to: "doc0.md", inFolder: fd, displayRoot: folder.path)
            try FolderSync.syncFileSystem(folder: fd, displayPath: folder.path)
            #expect(folder.entries().count == 20)
            #expect(try folder.read("doc0.md") == Array("again".utf8))
            #expect(try folder.read("doc7.md") == Array("doc 7".utf8))
        }
    }

    @Test func temporaryNamesAreRecognised() async throws {
        try await offPool {
            let name = DurableFile.temporaryName(for: "/a/b/batch.json")
            #expect(name.hasPrefix("/a/b/.batch.json.tmp-"))
            #expect(DurableFile.isTemporary(String(name.split(separator: "/").last!)))
            #expect(!DurableFile.isTemporary("batch.json"))
            #expect(DurableFile.temporaryName(for: "x") != DurableFile.temporaryName(for: "x"))
        }
    }

    @Test func syncingAMissingFolderFails() async throws {
        try await offPool {
            #expect(throws: SystemError.call("open", path: "/tmp/systemio-no-such", errno: ENOENT)) {
                try FolderSync.syncFolder("/tmp/systemio-no-such")
            }
        }
    }
}

/// Runs `body` on a thread of its own (see the suite's comment).
private func offPool(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await BlockingThread.run("durable-test") { () throws(any Error) in try body() }
}
