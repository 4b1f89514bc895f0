import ArgumentParser
import AviaryCodecs
import AviaryCore
import AviaryModels
import Foundation

/// Times `Predictor.predict` in-process on one batch, the counterpart of xgboost's
/// `inplace_predict` timing in bench/serve_bench.py. Prints one JSON line.
@main
struct PredictBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary-predict-bench",
        abstract: "Time native in-process prediction on a fixed batch (release builds only mean anything).",
        discussion: "Example: .build/release/aviary-predict-bench model/ --input batch.csv --rows 1000 --iterations 2000 --threads 1"
    )

    @Argument(help: "Model directory or file, as for `aviary predict`.")
    var model: String

    @Option(help: "CSV with a header row holding the batch (empty fields are missing).")
    var input: String

    @Option(help: "Rows of the CSV to use as the batch.")
    var rows = 1000

    @Option(help: "Timed predict calls (after a tenth as many warm-up calls).")
    var iterations = 1000

    @Option(help: "Worker threads for one predict call.")
    var threads = 1

    func run() throws {
        let package = try ModelPackage.load(from: URL(fileURLWithPath: model))
        guard let handle = FileHandle(forReadingAtPath: input) else { throw ValidationError("cannot read \(input)") }
        var reader = CSVReader(fileHandle: handle)
        guard let header = try reader.next() else { throw ValidationError("\(input) is empty") }
        let mapping = try package.inputSchema.bind(columnNames: header)
        var columns = [[Double]](repeating: [], count: package.inputSchema.width)
        while columns[0].count < rows, let record = try reader.next() {
            for (k, field) in record.enumerated() {
                columns[mapping[k]].append(try FeatureValue.parse(Substring(field), column: package.inputSchema.columns[mapping[k]]))
            }
        }
        let batch = FeatureBatch(columns: columns)
        // Below RowChunks' threshold a predict call stays on one thread; time larger batches
        // as one call so that --threads 2 means what it says.
        var checksum = 0.0
        for _ in 0..<max(1, iterations / 10) { checksum += package.predictor.predict(batch, threads: threads).values[0] }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { checksum += package.predictor.predict(batch, threads: threads).values[0] }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let result: [String: Any] = [
            "rows_per_second": Double(batch.rowCount * iterations) / seconds,
            "rows": batch.rowCount, "iterations": iterations, "threads": threads,
            "seconds": seconds, "checksum": checksum, "model": package.predictor.summary,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
