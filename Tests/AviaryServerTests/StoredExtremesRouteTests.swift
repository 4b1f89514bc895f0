import Foundation
import Hummingbird
import Testing

/// Values a client may store — any Int64 step or time, any finite Double — must not crash or
/// hang the pages that read them back later (issue 19: these crashes survived restarts).
@Suite("Stored extremes")
struct StoredExtremesRouteTests {
    static func json(_ object: [String: Any]) -> String {
        String(data: try! JSONSerialization.data(withJSONObject: object), encoding: .utf8)!
    }

    static func createRun(_ client: RouterClient, _ fields: [String: Any] = [:]) async throws -> String {
        let (status, run) = try await client.post("/api/2.0/mlflow/runs/create", json(["experiment_id": "0"].merging(fields) { $1 }))
        #expect(status == .ok, "\(run)")
        return try #require((run["run"] as? [String: Any]).flatMap { ($0["info"] as? [String: Any])?["run_id"] as? String })
    }

    /// Every `d="…"`, `cx`/`cy` and `x`/`y` value on the page, parsed; nil for one that is not a
    /// finite number (`nan`, `inf`), so a test sees it rather than skipping it.
    static func coordinates(_ page: String) -> [Double?] {
        page.matches(of: /\s(?:cx|cy|x1|x2|y1|y2|x|y)="([^"]*)"/).map { Double($0.1).flatMap { $0.isFinite ? $0 : nil } }
            + page.matches(of: /\sd="M([^"]+)"/).flatMap { match in
                match.1.split(whereSeparator: { " ML".contains($0) }).map { Double($0).flatMap { $0.isFinite ? $0 : nil } }
            }
    }

    @Test("steps −2⁶³ and 2⁶³−1 draw a chart instead of killing the server (the seen instance)")
    func extremeSteps() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.createRun(client)
            for step in [Int64.min, Int64.max] {
                let (status, body) = try await client.post("/api/2.0/mlflow/runs/log-metric", Self.json(["run_id": id, "key": "loss", "value": 1.5, "timestamp": 1, "step": step]))
                #expect(status == .ok, "\(body)")
            }
            for axis in ["step", "time"] {
                let (status, page) = try await UIRouteTests.html(client, "/runs/\(id)?x=\(axis)")
                #expect(status == .ok)
                #expect(page.contains(#"data-metric="loss""#))
                let numbers = Self.coordinates(page)
                #expect(!numbers.isEmpty && numbers.allSatisfy { $0.map { abs($0) <= 1e6 } ?? false })
            }
        }
    }

    @Test("metric values near ±1.7e308, 5e-324 and timestamp 2⁶³−1 draw with every coordinate finite and bounded")
    func extremeValues() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.createRun(client)
            let metrics: [[String: Any]] = [
                ["key": "m", "value": -1.7e308, "timestamp": 0, "step": 0],
                ["key": "m", "value": 1.7e308, "timestamp": Int64.max, "step": 1],
                ["key": "m", "value": Double.leastNonzeroMagnitude, "timestamp": 0, "step": 2],
                ["key": "flat", "value": 1.7976931348623157e308, "timestamp": 0, "step": 0],
                ["key": "flat", "value": 1.7976931348623157e308, "timestamp": 1, "step": 1],
            ]
            let (status, body) = try await client.post("/api/2.0/mlflow/runs/log-batch", Self.json(["run_id": id, "metrics": metrics]))
            #expect(status == .ok, "\(body)")
            for axis in ["step", "time"] {
                let (pageStatus, page) = try await UIRouteTests.html(client, "/runs/\(id)?x=\(axis)")
                #expect(pageStatus == .ok)
                #expect(page.contains(#"data-metric="m""#) && page.contains(#"data-metric="flat""#))
                let numbers = Self.coordinates(page)
                #expect(!numbers.isEmpty && numbers.allSatisfy { $0.map { abs($0) <= 1e6 } ?? false })
            }
            let (compareStatus, compare) = try await UIRouteTests.html(client, "/compare?runs=\(id)&x=metrics.m&y=metrics.flat")
            #expect(compareStatus == .ok)
            #expect(Self.coordinates(compare).allSatisfy { $0.map { abs($0) <= 1e6 } ?? false })
        }
    }

    @Test("start and end times of ±2⁶³ show as out of range, not as a crash")
    func extremeTimes() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.createRun(client, ["start_time": Int64.min])
            let (status, body) = try await client.post("/api/2.0/mlflow/runs/update", Self.json(["run_id": id, "status": "FINISHED", "end_time": Int64.max]))
            #expect(status == .ok, "\(body)")
            let (pageStatus, page) = try await UIRouteTests.html(client, "/runs/\(id)")
            #expect(pageStatus == .ok)
            #expect(page.contains("out of range"))
            let (listStatus, _) = try await UIRouteTests.html(client, "/experiments/0")
            #expect(listStatus == .ok)
        }
    }

    @Test("a quote followed by a combining mark is escaped in pages (Mustache alone leaves it raw)")
    func combiningMarkAfterQuote() async throws {
        try await RouteFixture().test { client in
            let id = try await Self.createRun(client)
            let value = "\"\u{301} onmouseover=alert(1) x=\"\u{301}"
            let (status, _) = try await client.post("/api/2.0/mlflow/runs/log-parameter", Self.json(["run_id": id, "key": "p", "value": value]))
            #expect(status == .ok)
            let (_, page) = try await UIRouteTests.html(client, "/runs/\(id)")
            // Outside the macros: #expect's own expansion trips over a quote before a combining mark.
            let escaped = "&quot;\u{301} onmouseover=alert(1)", raw = "\"\u{301} onmouseover"
            let (hasEscaped, hasRaw) = (page.contains(escaped), page.contains(raw))
            #expect(hasEscaped)
            #expect(!hasRaw)
        }
    }
}
