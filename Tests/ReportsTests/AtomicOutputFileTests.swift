import Foundation
import Reports
import Testing

@Suite("Atomic output files")
struct AtomicOutputFileTests {
    @Test("the file appears only on commit, complete, with mode 0600, and no temporary file is left")
    func commit() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("out.csv")
        let file = try AtomicOutputFile(path: path)
        try file.sink.write("a,b\r\n")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(folder.entries().count == 1)
        #expect(folder.entries()[0].hasPrefix(".out.csv.soratrack-"))
        try file.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\r\n")
        #expect(folder.entries() == ["out.csv"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("an error while writing removes the temporary file and leaves the old file as it was")
    func failure() throws {
        struct Broken: Error {}
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("out.csv")
        try "old contents".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        #expect(throws: Broken.self) {
            try AtomicOutputFile.write(to: path) { sink in
                try sink.write(String(repeating: "x", count: 200_000))
                throw Broken()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old contents")
        #expect(folder.entries() == ["out.csv"])
        // A successful replacement keeps the old file's mode.
        try AtomicOutputFile.write(to: path) { sink in try sink.write("new") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o644)
    }

    @Test("a missing folder or a folder as the path cannot be created")
    func cannotCreate() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: OutputFileError.self) { try AtomicOutputFile(path: folder.file("missing/out.csv")) }
        do {
            _ = try AtomicOutputFile(path: folder.path)
            Issue.record("a folder was accepted as an output file")
        } catch {
            #expect(error.description.contains("it is a folder"))
        }
    }

    @Test("temporary files of killed writers are removed by the next write; live ones are kept")
    func staleFiles() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        // A pid that cannot be running (above the kernel's maximum) and this test's own, live pid.
        let stale = folder.file(".out.csv.soratrack-99999999-abc.tmp")
        let live = folder.file(".out.csv.soratrack-\(getpid())-def.tmp")
        let other = folder.file(".other.csv.soratrack-99999999-abc.tmp")
        for path in [stale, live, other] { _ = FileManager.default.createFile(atPath: path, contents: Data("partial".utf8)) }
        try AtomicOutputFile.write(to: folder.file("out.csv")) { sink in try sink.write("done") }
        #expect(folder.entries() == [".other.csv.soratrack-99999999-abc.tmp", ".out.csv.soratrack-\(getpid())-def.tmp", "out.csv"])
    }
}
