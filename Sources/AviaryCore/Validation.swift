/// MLflow's limits and name rules, checked before anything is written.
public enum Validation {
    /// Longest metric, param or tag key MLflow accepts.
    public static let maxKeyLength = 250
    /// Longest param value.
    public static let maxParamValueLength = 6000
    /// Longest tag value.
    public static let maxTagValueLength = 8000
    /// Largest `max_results` of any search.
    public static let maxSearchResults = 50_000

    /// Checks a metric, param or tag key: non-empty, ≤ 250 characters, only `[/\w.\- :]`, and
    /// unchanged by path normalisation (no `..`, `.`, empty or trailing segments), since keys may
    /// become file names.
    /// - Parameter kind: "metric", "param" or "tag", used in the message.
    public static func validateKey(_ key: String, kind: String, field: String = "key") throws {
        if key.isEmpty {
            throw AviaryError.invalid("Invalid \(kind) name '': field '\(field)' must not be empty")
        }
        if key.count > maxKeyLength {
            throw AviaryError.invalid(
                "\(kind.capitalized) name '\(key.prefix(40))...' is \(key.count) characters long; field '\(field)' allows at most \(maxKeyLength)"
            )
        }
        if !key.unicodeScalars.allSatisfy(isKeyCharacter) {
            throw AviaryError.invalid(
                "Invalid \(kind) name '\(key)': names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)"
            )
        }
        // A single segment other than "." and ".." is already normal; skip the work (hot path).
        let isSingleSegment = !key.utf8.contains(UInt8(ascii: "/")) && key != "." && key != ".."
        let normalized = isSingleSegment ? key : normalizedPath(key)
        if normalized != key || normalized == "." || normalized.hasPrefix("..") || normalized.hasPrefix("/") {
            throw AviaryError.invalid(
                "Invalid \(kind) name '\(key)': names may be treated as files, so they must not start with '/' or '..', nor contain '.' or '..' segments, '//' or a trailing '/'"
            )
        }
    }

    /// Checks a value against a maximum length, naming the field in the error.
    public static func validateLength(_ value: String, max: Int, field: String) throws {
        if value.count > max {
            throw AviaryError.invalid(
                "Field '\(field)' is \(value.count) characters long; it may be at most \(max)"
            )
        }
    }

    /// Checks `max_results` of a search: positive and ≤ `limit`.
    public static func validateMaxResults(_ value: Int64, limit: Int = maxSearchResults) throws -> Int {
        guard value > 0, value <= Int64(limit) else {
            throw AviaryError.invalid(
                "Invalid value \(value) for parameter 'max_results' supplied: it must be at least 1 and at most \(limit)"
            )
        }
        return Int(value)
    }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "/", ".", "-", " ", ":", "_": return true
        case _ where scalar.isASCII: return false
        // Python's \w: any Unicode letter or decimal digit.
        default: return scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
        }
    }

    /// `posixpath.normpath` for relative names: collapses `.`, `..` and repeated slashes.
    static func normalizedPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
