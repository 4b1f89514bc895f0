/// One lexical token of a search filter or order-by clause, with where it starts.
struct FilterToken: Equatable {
    enum Kind: Equatable {
        /// A possibly dotted name; `quotedKey` holds a backtick- or double-quoted last part.
        case identifier(prefix: String, quotedKey: String?)
        /// A single- or double-quoted literal standing alone (a value, or an identifier part).
        case string(String, doubleQuoted: Bool)
        case number(Double)
        case symbol(String)  // = != <> < <= > >= ( ) ,
        case end
    }

    var kind: Kind
    /// Offset in characters from the start of the input, for error messages.
    var position: Int
    /// The characters of the token as written.
    var text: String

    /// The upper-cased word when the token is a bare identifier without dots (AND, IN, LIKE…).
    var keyword: String? {
        if case .identifier(let prefix, nil) = kind, !prefix.contains(".") { return prefix.uppercased() }
        return nil
    }
}
