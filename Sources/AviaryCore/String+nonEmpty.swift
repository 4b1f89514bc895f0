extension String {
    /// `nil` for an empty string: protobuf's JSON mapping sends "" for a field a client left unset.
    public var nonEmpty: String? { isEmpty ? nil : self }
}

extension Optional<String> {
    /// `nil` for a missing or empty string.
    public var nonEmpty: String? { self?.nonEmpty }
}
