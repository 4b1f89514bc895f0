import AviaryCore
import Foundation

/// A model ready to serve: the native predictor, the input schema requests are checked
/// against, and where it came from.
///
/// Loads an MLflow model directory (an `MLmodel` file naming the `xgboost` or `lightgbm`
/// flavor) or a bare model file: XGBoost `.json` / `.ubj`, LightGBM text (`.txt`, `.lgb`).
///
/// ```swift
/// let model = try ModelPackage.load(from: URL(fileURLWithPath: "model"))
/// let batch = FeatureBatch(columns: [[0.5, .nan], [1.0, 2.0]])
/// let predictions = model.predictor.predict(batch)
/// ```
public struct ModelPackage: Sendable {
    /// `xgboost` or `lightgbm`.
    public let flavor: String
    /// The native runtime that scores batches.
    public let predictor: any Predictor
    /// The columns requests and CSV files must supply, from the signature or the model file.
    public let inputSchema: InputSchema
    /// The Python class the model was logged from (`xgboost.core.Booster`, `xgboost.sklearn.XGBClassifier`, …), when known.
    public let modelClass: String?
    /// A name for the model: the directory or file name without extension.
    public let name: String
    /// The `serving_input_example.json` mlflow saved with the model (an `/invocations` body), if any.
    public var servingInputExample: Data?

    /// Loads the model at `url`, a directory with an `MLmodel` file or a bare model file.
    public static func load(from url: URL) throws -> ModelPackage {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw AviaryError.notFound("no model at \(url.path): pass a model directory (with an MLmodel file), a .json/.ubj XGBoost file or a .txt LightGBM file")
        }
        let name = url.deletingPathExtension().lastPathComponent
        if isDirectory.boolValue {
            return try loadDirectory(url, name: name)
        }
        let predictor = try loadFile(url, flavor: nil)
        return ModelPackage(flavor: predictor is XGBoostModel ? "xgboost" : "lightgbm", predictor: predictor,
                            inputSchema: try defaultSchema(predictor), modelClass: nil, name: name, servingInputExample: nil)
    }

    /// The model file's own feature names when it has them, else positional features.
    static func defaultSchema(_ predictor: any Predictor) throws -> InputSchema {
        try (predictor.featureNames.map(InputSchema.named) ?? .positional(width: predictor.featureCount)).checkedUnique(in: "the model file's feature names")
    }

    private static func loadDirectory(_ directory: URL, name: String) throws -> ModelPackage {
        let mlmodelURL = directory.appendingPathComponent("MLmodel")
        guard let text = try? String(contentsOf: mlmodelURL, encoding: .utf8) else {
            throw AviaryError.invalid("\(directory.path) is a directory without an MLmodel file; pass an MLflow model directory or a model file")
        }
        let mlmodel = try BoundedYAML.load(text, field: mlmodelURL.path, limits: .mlmodel) as? [String: Any] ?? [:]
        let flavors = mlmodel["flavors"] as? [String: Any] ?? [:]
        guard let flavor = ["xgboost", "lightgbm"].first(where: { flavors[$0] != nil }),
              let configuration = flavors[flavor] as? [String: Any]
        else {
            let names = flavors.keys.sorted().joined(separator: ", ")
            throw AviaryError.invalid("MLmodel has flavors [\(names)]; Aviary serves the xgboost and lightgbm flavors natively")
        }
        let modelClass = configuration["model_class"] as? String
        if flavor == "lightgbm", let modelClass, modelClass != "lightgbm.basic.Booster" {
            throw AviaryError.invalid("this \(modelClass) was pickled by mlflow.lightgbm, which Aviary cannot read; log its booster instead: mlflow.lightgbm.log_model(model.booster_, ...)")
        }
        guard let dataPath = configuration["data"] as? String else {
            throw AviaryError.invalid("MLmodel flavor \(flavor) has no 'data' entry naming the model file")
        }
        let file = try confinedFile(dataPath, in: directory)
        var predictor = try loadFile(file, flavor: flavor)
        if let modelClass, ClassLabels.sklearnClassifiers.contains(modelClass) {
            predictor = ClassLabels(probabilities: predictor)
        }
        var schema = try defaultSchema(predictor)
        if let signature = mlmodel["signature"] as? [String: Any], let inputs = signature["inputs"] as? String,
           let declared = try ModelSignature.inputSchema(fromJSON: inputs, featureCount: predictor.featureCount) {
            schema = try declared.checkedUnique(in: "the MLmodel signature's inputs")
        }
        let example = (mlmodel["saved_input_example_info"] as? [String: Any])?["serving_input_path"] as? String
        let exampleData = try example.map { try Data(contentsOf: try confinedFile($0, in: directory)) }
        return ModelPackage(flavor: flavor, predictor: predictor, inputSchema: schema, modelClass: modelClass, name: name,
                            servingInputExample: exampleData)
    }

    /// `data` from MLmodel resolved inside the model directory: no `..`, no absolute path, no symlink out.
    private static func confinedFile(_ relative: String, in directory: URL) throws -> URL {
        let root = directory.resolvingSymlinksInPath().standardizedFileURL.path
        let file = directory.appendingPathComponent(relative).resolvingSymlinksInPath().standardizedFileURL
        guard !relative.hasPrefix("/"), file.path.hasPrefix(root + "/") else {
            throw AviaryError.invalid("MLmodel data path '\(relative)' points outside the model directory")
        }
        return file
    }

    /// Reads a model file; `flavor` picks the runtime, else the extension or the first bytes do.
    private static func loadFile(_ url: URL, flavor: String?) throws -> any Predictor {
        let data = try Data(contentsOf: url)
        let looksLikeLightGBM = data.starts(with: Array("tree".utf8))
        let ext = url.pathExtension.lowercased()
        if flavor == "lightgbm" || (flavor == nil && (["txt", "lgb"].contains(ext) || looksLikeLightGBM)) {
            guard let text = String(data: data, encoding: .utf8) else {
                throw AviaryError.invalid("\(url.lastPathComponent) is not a LightGBM text model (not UTF-8)")
            }
            return try LightGBMModel(text: text)
        }
        if flavor == nil, !["json", "ubj"].contains(ext), !data.starts(with: [UInt8(ascii: "{")]) {
            throw AviaryError.invalid("\(url.lastPathComponent) is neither an XGBoost .json/.ubj model nor a LightGBM text model")
        }
        return try XGBoostModel(data: data)
    }
}
