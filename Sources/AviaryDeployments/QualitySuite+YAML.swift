import AviaryModels
import AviaryMonitoring

extension QualitySuite {
    /// A suite from its YAML text, bounded as every hand-written document is (`BoundedYAML`);
    /// errors name `field`.
    public init(yaml text: String, field: String) throws {
        try self.init(document: try BoundedYAML.load(text, field: field, limits: .handWritten))
    }
}
