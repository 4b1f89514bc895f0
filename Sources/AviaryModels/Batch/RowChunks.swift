import Dispatch
import Foundation

/// Splits a batch's rows across cores when it is large; small batches stay on the caller's
/// thread (a scoring server already runs one request per core).
enum RowChunks {
    /// Rows per worker below which splitting costs more than it saves.
    static let minimumRowsPerWorker = 256
    /// Read once: Foundation answers `activeProcessorCount` by reading cgroup files on every
    /// call, which cost a 1-row request about 9% of its time.
    static let activeCores = ProcessInfo.processInfo.activeProcessorCount

    /// Calls `body` on disjoint subranges covering `0..<rowCount`, concurrently when worth it.
    /// `threads` caps the workers (default: every active core).
    static func forEach(rowCount: Int, threads: Int? = nil, _ body: (Range<Int>) -> Void) {
        let cores = threads ?? activeCores
        let workers = max(1, min(cores, rowCount / minimumRowsPerWorker))
        guard workers > 1 else {
            body(0..<rowCount)
            return
        }
        let chunk = (rowCount + workers - 1) / workers
        withoutActuallyEscaping(body) { body in
            // Each worker gets a disjoint row range; concurrentPerform returns only when all are done.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = worker * chunk
                let end = min(rowCount, start + chunk)
                if start < end { body(start..<end) }
            }
        }
    }
}
