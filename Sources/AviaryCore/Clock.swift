import Foundation

/// Wall-clock time as MLflow stores it: milliseconds since the Unix epoch.
public enum Clock {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
