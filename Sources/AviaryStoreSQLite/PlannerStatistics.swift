import GRDB
import Synchronization

/// Keeps SQLite's query-planner statistics in step with the data.
///
/// Run searches are joins whose best order depends on how selective each `(key, value)` index
/// is; without `sqlite_stat1` SQLite guesses, and on 100,000 runs a wrong guess costs 10×.
/// Statistics are refreshed when the database opens and again each time the number of runs has
/// grown by a fifth (at least 1,000), so the cost stays logarithmic in the table size.
final class PlannerStatistics: Sendable {
    private struct State {
        var runsAtLastRefresh = 0
        var runsCreatedSince = 0
        var refreshing = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Samples the indexes run searches use; the raw `metrics` history is never searched.
    func refresh() throws {
        let runs = try writer.write { db in
            try db.execute(sql: """
                PRAGMA analysis_limit = 100000;
                ANALYZE runs; ANALYZE latest_metrics; ANALYZE params; ANALYZE tags; ANALYZE experiments;
                """)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0
        }
        state.withLock { $0.runsAtLastRefresh = runs }
    }

    /// Counts created runs and, past the growth threshold, refreshes in the background.
    func noteRunsCreated(_ count: Int) {
        let due = state.withLock { state -> Bool in
            state.runsCreatedSince += count
            guard !state.refreshing, state.runsCreatedSince >= max(1000, state.runsAtLastRefresh / 5) else { return false }
            state.refreshing = true
            state.runsCreatedSince = 0
            return true
        }
        guard due else { return }
        Task.detached(priority: .background) { [self] in
            let refreshed = (try? refresh()) != nil
            state.withLock { state in
                state.refreshing = false
                // A refresh that lost to busy writers is retried on the next run created:
                // stale statistics cost searches 100× on a grown table.
                if !refreshed { state.runsCreatedSince = max(1000, state.runsAtLastRefresh / 5) }
            }
        }
    }
}
