import Foundation
import Testing
import VideoSimulator

@Suite("GET /v1/videos")
struct ListTests {
    /// Follows `after` cursors from the first page until `has_more` is false.
    static func allPages(_ client: TestClient, limit: Int, order: String? = nil) async throws -> [[String: Any]] {
        var pages: [[String: Any]] = []
        var after: String?
        repeat {
            var target = "/v1/videos?limit=\(limit)"
            if let order { target += "&order=\(order)" }
            if let after { target += "&after=\(after)" }
            let response = try await client.get(target)
            try #require(response.status == 200, "\(response.text)")
            pages.append(response.json)
            after = (response.json["has_more"] as? Bool) == true ? response.json["last_id"] as? String : nil
        } while after != nil && pages.count < 100
        return pages
    }

    @Test("list pages with after and limit cover every job exactly once, newest first")
    func paginationCoversEveryJob() async throws {
        try await withSimulator { simulator, client async throws in
            var created: [String] = []
            for index in 0..<7 {
                created.append(simulator.createVideo(prompt: "job \(index)").id)
                if index % 2 == 0 { simulator.advance(by: 1) }
            }
            let pages = try await ListTests.allPages(client, limit: 3)
            #expect(pages.count == 3)
            #expect(pages.map { ($0["data"] as? [Any])?.count } == [3, 3, 1])
            #expect(pages.map { $0["has_more"] as? Bool } == [true, true, false])
            var seen: [String] = []
            var stamps: [Int] = []
            for page in pages {
                #expect(page["object"] as? String == "list")
                let data = try #require(page["data"] as? [[String: Any]])
                let ids = data.compactMap { $0["id"] as? String }
                #expect(page["first_id"] as? String == ids.first)
                #expect(page["last_id"] as? String == ids.last)
                seen += ids
                stamps += data.compactMap { $0["created_at"] as? Int }
                #expect(data.allSatisfy { $0.count == 13 })
            }
            #expect(seen.sorted() == created.sorted())
            #expect(Set(seen).count == seen.count)
            #expect(stamps == stamps.sorted(by: >), "newest first")

            let ascending = try await ListTests.allPages(client, limit: 2, order: "asc")
            let forward = ascending.flatMap { ($0["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
            #expect(forward == seen.reversed())
        }
    }

    @Test("the default page holds 20 videos and an empty list has null ids")
    func defaultsAndEmpty() async throws {
        try await withSimulator { simulator, client async throws in
            let empty = try await client.get("/v1/videos").json
            #expect((empty["data"] as? [Any])?.isEmpty == true)
            #expect(empty["first_id"] is NSNull)
            #expect(empty["last_id"] is NSNull)
            #expect(empty["has_more"] as? Bool == false)
            for index in 0..<25 { simulator.createVideo(prompt: "job \(index)") }
            let page = try await client.get("/v1/videos").json
            #expect((page["data"] as? [Any])?.count == 20)
            #expect(page["has_more"] as? Bool == true)
        }
    }

    @Test("a deleted video still works as a cursor, and an id never issued is a 400")
    func cursors() async throws {
        try await withSimulator { simulator, client async throws in
            var ids: [String] = []
            for index in 0..<4 {
                ids.append(simulator.createVideo(prompt: "job \(index)", outcome: .completed, durationSeconds: 1).id)
                simulator.advance(by: 2)
            }
            // Newest first: ids[3], ids[2], ids[1], ids[0]. Delete ids[2] and page on from it.
            #expect(try await client.send("DELETE", "/v1/videos/\(ids[2])").status == 200)
            let rest = try await client.get("/v1/videos?after=\(ids[2])").json
            let after = (rest["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(after == [ids[1], ids[0]])

            let unknown = try await client.get("/v1/videos?after=video_0000")
            #expect(unknown.status == 400)
            #expect(unknown.error["param"] as? String == "after")

            let tooMany = try await client.get("/v1/videos?limit=101")
            #expect(tooMany.status == 400)
            #expect(tooMany.error["code"] as? String == "integer_above_max_value")
            #expect(try await client.get("/v1/videos?order=sideways").status == 400)
            #expect(try await client.get("/v1/videos?limit=abc").status == 400)
        }
    }
}
