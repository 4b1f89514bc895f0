import ArgumentParser
import AviaryCodecs
import AviaryCore
import AviaryModels
import Foundation

/// `aviary predict`: batch scoring of a CSV file with the native runtime, in constant memory.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score a CSV file with an XGBoost or LightGBM model, natively (no Python).",
        discussion: """
            MODEL is a model directory (with an MLmodel file), a bare model file (XGBoost .json/.ubj, LightGBM .txt), runs:/RUN_ID/PATH, models:/NAME/VERSION or models:/NAME@ALIAS; the last three are fetched from the tracking server.

            The input needs a header row. When the model names its features (signature or model file), columns are matched by name in any order; otherwise the file must have exactly one column per feature, taken by position. Empty fields, NaN, nan, NA and null are missing values.

            The output has one line per input row: a `prediction` column, or `prediction_0`, `prediction_1`, … for class probabilities. Rows are read and written in batches, so files of any size score in constant memory; progress goes to stderr on a terminal.

            Examples:
              aviary predict model/ --input data.csv --output predictions.csv
              aviary predict models:/fraud@champion --input today.csv --output scores.csv
            """
    )

    @Argument(help: "The model: a directory, a model file, runs:/… or models:/….")
    var model: String

    @Option(help: ArgumentHelp("CSV file to score (with a header row).", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("Where to write the predictions CSV; - for stdout.", valueName: "file"))
    var output: String

    @Option(help: "Rows scored per batch.")
    var batchSize = 10_000

    @OptionGroup var tracking: TrackingServerOptions

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    func run() async throws {
        let package = try await ModelLocator(argument: model, tracking: tracking).load()
        guard let inputHandle = FileHandle(forReadingAtPath: input) else {
            throw CommandFailure("Cannot open --input \(input): no such readable file")
        }
        let writer = try BatchOutput(path: output)
        do {
            try score(package, reader: CSVReader(fileHandle: inputHandle), writer: writer)
        } catch let error as AviaryError {
            throw CommandFailure("\(input): \(error.message)")
        }
    }

    private func score(_ package: ModelPackage, reader: CSVReader, writer: BatchOutput) throws {
        var reader = reader
        guard let header = try reader.next() else { throw AviaryError.invalid("the file is empty; it needs a header row") }
        let schema = package.inputSchema
        let mapping = try schema.bind(columnNames: header)
        let columns = mapping.map { schema.columns[$0] }
        let width = package.predictor.outputWidth
        try writer.write(width == 1 ? "prediction\n" : (0..<width).map { "prediction_\($0)" }.joined(separator: ",") + "\n")

        var progress = Progress(label: "scored", unit: "rows")
        var batch = [[Double]](repeating: [], count: schema.width)
        var rows = 0
        func flush() throws {
            guard rows > 0 else { return }
            for j in batch.indices where batch[j].count < rows { batch[j] = [Double](repeating: .nan, count: rows) }
            let predictions = package.predictor.predict(FeatureBatch(columns: batch))
            var text = ""
            text.reserveCapacity(rows * width * 12)
            for i in 0..<predictions.rowCount {
                text += predictions.row(i).map(predictions.formatted).joined(separator: ",")
                text += "\n"
            }
            try writer.write(text)
            progress.advance(by: rows)
            for j in batch.indices { batch[j].removeAll(keepingCapacity: true) }
            rows = 0
        }
        while true {
            let fieldCount: Int?
            do {
                fieldCount = try reader.nextRecord { k, bytes in
                    guard k < header.count else { return }
                    batch[mapping[k]].append(try FeatureValue.parse(bytes: bytes, column: columns[k]))
                }
            } catch let error as AviaryError where error.code == .badRequest {
                throw AviaryError.invalid("line \(reader.line): \(error.message)")
            }
            guard let fieldCount else { break }
            guard fieldCount == header.count else {
                throw AviaryError.invalid("line \(reader.line) has \(fieldCount) fields; the header has \(header.count)")
            }
            rows += 1
            if rows == batchSize { try flush() }
        }
        try flush()
        try writer.commit()
        progress.finish()
    }
}
