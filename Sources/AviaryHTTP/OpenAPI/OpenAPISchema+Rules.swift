import AviaryCore
import AviaryRegistry

/// MLflow's rules for ids, names and keys (`Validation`, `TrackingService`, `RegistryService`)
/// as request schemas. What a schema allows passes the rule, though a rule may refuse a little
/// more than its schema shows (a reserved word, a name in use), which is a 400 all the same.
extension OpenAPISchema {
    /// Experiment ids are integers.
    static let experimentID = string.with("pattern", "^[0-9]{1,18}$")
    /// Not blank, at most 500 characters.
    static let experimentName = string.with("minLength", 1).with("maxLength", 500).with("pattern", #"\S"#)
    /// Not blank; no '/' or ':'.
    static let modelName = string.with("pattern", #"^[^/:]*[^/:\s][^/:]*$"#)
    /// A version number, as a string.
    static let versionNumber = string.with("pattern", "^[1-9][0-9]{0,17}$")
    /// Letters, digits, '_' and '-'; `latest` is reserved.
    static let alias = string.with("pattern", .string("^[A-Za-z0-9_-]{1,\(RegistryService.maxAliasLength)}$"))
    /// A metric, param or tag key: letters, digits, '_', '-', '.', ' ', ':' in '/'-separated
    /// segments that are not '.' or '..', at most 250 characters. (Unicode letters are allowed
    /// too.)
    static let key = string.with("maxLength", .integer(Validation.maxKeyLength))
        .with("pattern", #"^[A-Za-z0-9_ :-][A-Za-z0-9_. :-]*(/[A-Za-z0-9_ :-][A-Za-z0-9_. :-]*)*$"#)
    /// A model stage; any letter case is accepted.
    static let stage = enumeration(ModelStage.allCases.map(\.rawValue))
    static let nonEmpty = string.with("minLength", 1)
    /// A URI the registry resolves remotely (`ModelSource.remoteSchemes`), without backslashes;
    /// a local path inside the artifact store is accepted too.
    static let modelSource = string.with("pattern", #"^(mlflow-artifacts|runs|models|s3|gs|wasbs|abfss|hdfs|dbfs|https?):[^\\]*$"#)
}
