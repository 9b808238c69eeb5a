import Foundation
import SyncEngine
import Testing
import VideoAPI

@Suite("Reading id batches")
struct IDListTests {
    @Test("files take ids, JSON lines, comments and blank lines; duplicates are kept once")
    func parsesFiles() throws {
        let file = """
            # saved from the create call
            video_1

            {"id":"video_2","object":"video","status":"queued"}
              video_3  \r
            video_1
            """
        let ids = try IDList.parse(arguments: ["video_0"], files: [("ids.txt", Data(file.utf8))])
        #expect(ids.map(\.rawValue) == ["video_0", "video_1", "video_2", "video_3"])
    }

    @Test("an invalid batch is refused naming every bad line")
    func namesEveryBadLine() {
        let file = "video_ok\nbad id\n{\"no\":1}\n..\n"
        do {
            _ = try IDList.parse(arguments: ["a b"], files: [("ids.txt", Data(file.utf8))])
            Issue.record("expected a refusal")
        } catch {
            #expect(error.problems.count == 4)
            #expect(error.problems[0].hasPrefix("argument 1:"))
            #expect(error.problems[1].hasPrefix("ids.txt line 2:"))
            #expect(error.problems[2].hasPrefix("ids.txt line 3:"))
            #expect(error.problems[3].hasPrefix("ids.txt line 4:"))
        }
    }

    @Test("invalid UTF-8 and over-long lines are refused")
    func refusesBadFiles() {
        #expect(throws: InputError.self) { try IDList.parse(arguments: [], files: [("bin", Data([0x76, 0xFF, 0xFE, 0x0A]))]) }
        let long = Data(repeating: UInt8(ascii: "a"), count: IDList.maxLineBytes + 1)
        #expect(throws: InputError.self) { try IDList.parse(arguments: [], files: [("long", long)]) }
    }
}
