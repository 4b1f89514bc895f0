import AviaryMonitoring
import GRDB

/// The records of one source (variant and model) from one flush, as one `prediction_blocks`
/// row: each request's scalars packed into `entries`, its id into `request_ids`, its numbers
/// into `features` and `outputs`.
///
/// Why blocks: one SQLite row per request, with its time and request-id index entries, cost
/// the log's writer ~5 µs per request, three B-tree inserts each; a block is one row per flush
/// and source. Feedback finds a request's block by the `RequestID` number range each block
/// records, not by an index entry per request.
struct PredictionBlock {
    /// One request in the block; ranges index `requestIDs`, `features` and `outputs`.
    struct Entry {
        var timestamp: Int64
        var latencyMicroseconds: Int64
        var requestID: Range<Int>
        var features: Range<Int>
        var outputs: Range<Int>
        var outputWidth: Int
        var float32: Bool
    }

    /// Bytes per entry in `entries`: timestamp and latency (Int64), then the id's byte count,
    /// feature count, output count, output width and float32 flag (Int32), little-endian.
    static let entryStride = 36

    var entries: [Entry] = []
    /// Every entry's request id as UTF-8, one after another.
    var requestIDs: [UInt8] = []
    var features: [Double] = []
    var outputs: [Double] = []

    /// The requests of `batch` at `indices`, in that order.
    init(_ batch: PredictionBatch, _ indices: ArraySlice<Int>) {
        entries.reserveCapacity(indices.count)
        for index in indices {
            let entry = batch.entries[index]
            let idStart = requestIDs.count
            requestIDs.append(contentsOf: entry.requestID.utf8)
            let featureStart = features.count
            features.append(contentsOf: batch.features[entry.features])
            let outputStart = outputs.count
            outputs.append(contentsOf: batch.outputs[entry.outputs])
            entries.append(Entry(
                timestamp: entry.timestamp, latencyMicroseconds: entry.latencyMicroseconds, requestID: idStart..<requestIDs.count,
                features: featureStart..<features.count, outputs: outputStart..<outputs.count, outputWidth: entry.outputWidth, float32: entry.float32
            ))
        }
    }

    /// A block read back from the `entries`, `request_ids`, `features` and `outputs` columns
    /// at `column`, `column + 1`, … of `row`; with `features: false`, without the features.
    init(_ row: Row, column: Int, features withFeatures: Bool = true) throws {
        features = withFeatures ? try SQLitePredictionLog.doubles(row, column + 2) : []
        outputs = try SQLitePredictionLog.doubles(row, column + 3)
        requestIDs = try row.withUnsafeData(atIndex: column + 1) { $0.map { [UInt8]($0) } ?? [] }
        let packed = try row.withUnsafeData(atIndex: column) { $0.map { [UInt8]($0) } ?? [] }
        entries.reserveCapacity(packed.count / Self.entryStride)
        var id = 0, feature = 0, output = 0
        var widthsFit = true
        packed.withUnsafeBytes { bytes in
            for offset in stride(from: 0, to: bytes.count - Self.entryStride + 1, by: Self.entryStride) {
                func int32(_ at: Int) -> Int { Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + at, as: Int32.self))) }
                // Negative counts (a corrupt blob) end up as zero here; the check below then throws.
                let idCount = max(int32(16), 0), featureCount = max(int32(20), 0), outputCount = max(int32(24), 0)
                entries.append(Entry(
                    timestamp: Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)),
                    latencyMicroseconds: Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: Int64.self)),
                    requestID: id..<(id + idCount), features: feature..<(feature + featureCount), outputs: output..<(output + outputCount),
                    outputWidth: int32(28), float32: int32(32) != 0
                ))
                // Readers slice outputs row by row with this width.
                if int32(28) <= 0 || outputCount % int32(28) != 0 { widthsFit = false }
                id += idCount
                feature += featureCount
                output += outputCount
            }
        }
        guard widthsFit, id == requestIDs.count, !withFeatures || feature == features.count, output == outputs.count else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a prediction block's entries do not match its ids, features and outputs")
        }
    }

    /// `entries` packed for the `entries` column.
    var packedEntries: [UInt8] {
        var packed: [UInt8] = []
        packed.reserveCapacity(entries.count * Self.entryStride)
        func append<Value: FixedWidthInteger>(_ value: Value) {
            withUnsafeBytes(of: value.littleEndian) { packed.append(contentsOf: $0) }
        }
        // Field by field rather than through an array literal, which would allocate per entry.
        for entry in entries {
            append(entry.timestamp)
            append(entry.latencyMicroseconds)
            append(Int32(truncatingIfNeeded: entry.requestID.count))
            append(Int32(truncatingIfNeeded: entry.features.count))
            append(Int32(truncatingIfNeeded: entry.outputs.count))
            append(Int32(truncatingIfNeeded: entry.outputWidth))
            append(Int32(entry.float32 ? 1 : 0))
        }
        return packed
    }

    /// The request id of entry `k`.
    func requestID(_ k: Int) -> String {
        String(decoding: requestIDs[entries[k].requestID], as: UTF8.self)
    }

    /// The oldest and newest timestamps; nil for an empty block.
    var timeRange: ClosedRange<Int64>? {
        guard let first = entries.first?.timestamp else { return nil }
        return entries.reduce(first...first) { range, entry in min(range.lowerBound, entry.timestamp)...max(range.upperBound, entry.timestamp) }
    }
}
