/// What a model returns for a batch: `width` numbers per row, row-major.
public struct Predictions: Sendable, Equatable {
    /// The precision the runtime computed in; XGBoost works in `Float`, LightGBM in `Double`.
    public enum Precision: String, Sendable {
        case float32, float64
    }

    /// `rowCount * width` values, row-major.
    public var values: [Double]
    /// Numbers per row: 1 for regression and binary models, the class count for multiclass probabilities.
    public let width: Int
    /// The precision the values were computed in (what `formatted` prints and v2 reports as FP32/FP64).
    public let precision: Precision

    public init(values: [Double], width: Int, precision: Precision) {
        self.values = values
        self.width = width
        self.precision = precision
    }

    /// Rows scored.
    public var rowCount: Int { width == 0 ? 0 : values.count / width }

    /// Row `i`'s outputs.
    public func row(_ i: Int) -> ArraySlice<Double> { values[(i * width)..<((i + 1) * width)] }

    /// Shortest decimal that reads back as the same number in the model's own precision
    /// (`0.3`, not `0.30000001192092896`, for a `Float` result).
    public func formatted(_ value: Double) -> String {
        switch precision {
        case .float32: Float(value).description
        case .float64: value.description
        }
    }
}
