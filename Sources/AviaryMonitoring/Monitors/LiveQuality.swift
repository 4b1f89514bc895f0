import AviaryCore
import Foundation

/// What a deployment's model predicts, which decides the live-quality metrics.
public enum ModelTask: String, Sendable, CaseIterable {
    /// Outputs are class probabilities: one number (P(class 1)) for binary models, one per class
    /// otherwise; ground truth is the class index.
    case classification
    /// Outputs and ground truth are numbers.
    case regression

    /// The metrics `LiveQuality.compute` reports for this task, and whether higher is better.
    public var metrics: [(name: String, higherIsBetter: Bool)] {
        switch self {
        case .classification:
            [("accuracy", true), ("precision", true), ("recall", true), ("f1", true), ("roc_auc", true), ("log_loss", false)]
        case .regression:
            [("mae", false), ("rmse", false), ("mape", false)]
        }
    }
}

/// Quality of predictions against ground truth that arrived later, computed the way
/// scikit-learn's `sklearn.metrics` does.
///
/// Binary classifiers: a row is predicted positive when P(class 1) > 0.5 (XGBoost's
/// `XGBClassifier.predict`); precision, recall and F1 are for class 1, and 0 when undefined
/// (`zero_division=0`). Multiclass: the most probable class; precision, recall, F1 and ROC AUC
/// are macro averages (`average="macro"`, `multi_class="ovr"`). Log loss clips probabilities to
/// [ε, 1 − ε] with ε the float64 machine epsilon, as scikit-learn does. MAPE divides by
/// max(|y|, ε). A metric that is undefined on the data (ROC AUC with one class present) is
/// left out.
public enum LiveQuality {
    /// The metrics for `outputs` (row-major, `width` per row) against `truth` (one per row).
    public static func compute(task: ModelTask, outputs: [Double], width: Int, truth: [Double]) throws -> [String: Double] {
        guard width > 0, outputs.count == truth.count * width else {
            throw AviaryError.invalid("live quality needs \(width) output(s) per labelled row; got \(outputs.count) outputs for \(truth.count) rows")
        }
        guard !truth.isEmpty else { return [:] }
        switch task {
        case .regression:
            guard width == 1 else { throw AviaryError.invalid("task: regression needs one output per row, the model returns \(width)") }
            return regression(predicted: outputs, truth: truth)
        case .classification:
            return try width == 1 ? binary(probabilities: outputs, truth: truth) : multiclass(probabilities: outputs, classes: width, truth: truth)
        }
    }

    /// Per-row losses whose mean is `metric`, for the significance test of the promotion gate:
    /// 0/1 correctness for accuracy, the row's log loss, absolute, squared or absolute relative
    /// error. nil for metrics that are not a mean over rows (precision, recall, F1, ROC AUC).
    /// Throws when a classifier's truth is not one of its classes: feedback may carry any
    /// number, and log loss reads the probability at the truth's index.
    public static func perRow(_ metric: String, task: ModelTask, outputs: [Double], width: Int, truth: [Double]) throws -> [Double]? {
        if task == .classification { try checkClasses(truth, width: width) }
        return checkedPerRow(metric, task: task, outputs: outputs, width: width, truth: truth)
    }

    /// `perRow` for truth already checked against the classes.
    private static func checkedPerRow(_ metric: String, task: ModelTask, outputs: [Double], width: Int, truth: [Double]) -> [Double]? {
        let epsilon = Double.ulpOfOne
        switch (task, metric) {
        case (.classification, "accuracy"):
            return truth.indices.map { Double(predictedClass(outputs, width: width, row: $0)) == truth[$0] ? 1 : 0 }
        case (.classification, "log_loss"):
            return truth.indices.map { row in
                if width == 1 {
                    let p = min(max(outputs[row], epsilon), 1 - epsilon)
                    return truth[row] == 1 ? -log(p) : -log(1 - p)
                }
                let probabilities = outputs[(row * width)..<((row + 1) * width)]
                let total = probabilities.reduce(0, +)
                let p = min(max(probabilities[row * width + Int(truth[row])] / total, epsilon), 1 - epsilon)
                return -log(p)
            }
        case (.regression, "mae"): return zip(outputs, truth).map { abs($1 - $0) }
        case (.regression, "rmse"): return zip(outputs, truth).map { ($1 - $0) * ($1 - $0) }
        case (.regression, "mape"): return zip(outputs, truth).map { abs($1 - $0) / max(abs($1), epsilon) }
        default: return nil
        }
    }

    static func regression(predicted: [Double], truth: [Double]) -> [String: Double] {
        let n = Double(truth.count)
        var absolute = 0.0, squared = 0.0, relative = 0.0
        for (p, y) in zip(predicted, truth) {
            absolute += abs(y - p)
            squared += (y - p) * (y - p)
            relative += abs(y - p) / max(abs(y), Double.ulpOfOne)
        }
        return ["mae": absolute / n, "rmse": (squared / n).squareRoot(), "mape": relative / n]
    }

    /// A binary classifier (one output) takes truth 0 or 1; one with `width` outputs a class
    /// index. The error names `truth`.
    package static func checkClasses(_ truth: [Double], width: Int) throws {
        if width == 1 {
            for y in truth where y != 0 && y != 1 { throw AviaryError.invalid("truth: a binary classifier's ground truth is 0 or 1, got \(y)") }
        } else {
            for y in truth where !(y >= 0 && y < Double(width) && y == y.rounded()) {
                throw AviaryError.invalid("truth: a class index from 0 to \(width - 1), got \(y)")
            }
        }
    }

    static func binary(probabilities: [Double], truth: [Double]) throws -> [String: Double] {
        try checkClasses(truth, width: 1)
        var tp = 0.0, fp = 0.0, fn = 0.0, tn = 0.0
        for (p, y) in zip(probabilities, truth) {
            switch (p > 0.5, y == 1) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, true): fn += 1
            case (false, false): tn += 1
            }
        }
        var metrics = [
            "accuracy": (tp + tn) / Double(truth.count),
            "precision": tp + fp == 0 ? 0 : tp / (tp + fp),
            "recall": tp + fn == 0 ? 0 : tp / (tp + fn),
            "f1": 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn),
            "log_loss": mean(checkedPerRow("log_loss", task: .classification, outputs: probabilities, width: 1, truth: truth) ?? []),
        ]
        metrics["roc_auc"] = rocAUC(scores: probabilities, positive: truth.map { $0 == 1 })
        return metrics
    }

    static func multiclass(probabilities: [Double], classes: Int, truth: [Double]) throws -> [String: Double] {
        try checkClasses(truth, width: classes)
        let labels = truth.map { Int($0) }
        let predicted = labels.indices.map { predictedClass(probabilities, width: classes, row: $0) }
        // Macro averages run over the classes present in either the truth or the predictions (scikit-learn's `unique_labels`).
        let present = Set(labels).union(predicted).sorted()
        var precision = 0.0, recall = 0.0, f1 = 0.0
        for c in present {
            var tp = 0.0, fp = 0.0, fn = 0.0
            for (y, p) in zip(labels, predicted) {
                if p == c && y == c { tp += 1 } else if p == c { fp += 1 } else if y == c { fn += 1 }
            }
            precision += tp + fp == 0 ? 0 : tp / (tp + fp)
            recall += tp + fn == 0 ? 0 : tp / (tp + fn)
            f1 += 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
        }
        let count = Double(present.count)
        var metrics = [
            "accuracy": Double(zip(labels, predicted).filter { $0 == $1 }.count) / Double(labels.count),
            "precision": precision / count, "recall": recall / count, "f1": f1 / count,
            "log_loss": mean(checkedPerRow("log_loss", task: .classification, outputs: probabilities, width: classes, truth: truth) ?? []),
        ]
        // One-vs-rest AUC per class, averaged; scikit-learn requires every class to be present.
        if Set(labels).count == classes {
            let aucs = (0..<classes).compactMap { c in
                rocAUC(scores: labels.indices.map { probabilities[$0 * classes + c] }, positive: labels.map { $0 == c })
            }
            if aucs.count == classes { metrics["roc_auc"] = mean(aucs) }
        }
        return metrics
    }

    /// The class a row predicts: P > 0.5 for binary outputs, else the most probable (first on ties, like `argmax`).
    static func predictedClass(_ outputs: [Double], width: Int, row: Int) -> Int {
        if width == 1 { return outputs[row] > 0.5 ? 1 : 0 }
        var best = 0
        for c in 1..<width where outputs[row * width + c] > outputs[row * width + best] { best = c }
        return best
    }

    /// The area under the ROC curve as the Mann–Whitney statistic with tied scores counted
    /// half (equal to scikit-learn's trapezoidal `roc_auc_score`); nil with only one class.
    static func rocAUC(scores: [Double], positive: [Bool]) -> Double? {
        let positives = positive.filter { $0 }.count
        let negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Ranks start..end (1-based: start+1...end+1) share their mean.
            let rank = Double(start + end + 2) / 2
            for k in start...end where positive[order[k]] { rankSum += rank }
            start = end + 1
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }
}
