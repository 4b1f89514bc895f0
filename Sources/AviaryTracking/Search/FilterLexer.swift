import AviaryCore

/// Splits a filter or order-by string into tokens.
struct FilterLexer {
    private let characters: [Character]
    private let source: String
    private var index = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    static func tokenize(_ source: String) throws -> [FilterToken] {
        var lexer = FilterLexer(source)
        var tokens: [FilterToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private mutating func next() throws -> FilterToken {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        let start = index
        guard index < characters.count else { return FilterToken(kind: .end, position: start, text: "") }
        let character = characters[index]

        if character == "'" || character == "\"" || character == "`" {
            let body = try readQuoted(delimiter: character)
            if character == "`" {
                return token(.identifier(prefix: "", quotedKey: body), from: start)
            }
            return token(.string(body, doubleQuoted: character == "\""), from: start)
        }
        if character.isNumber || ((character == "-" || character == "+" || character == ".") && peekIsDigit(after: index)) {
            return try readNumber(from: start)
        }
        if isIdentifierCharacter(character) {
            while index < characters.count, isIdentifierCharacter(characters[index]) { index += 1 }
            let prefix = String(characters[start..<index])
            // `metrics.` directly followed by a quote: the quoted part is the key.
            if prefix.hasSuffix("."), index < characters.count, characters[index] == "`" || characters[index] == "\"" {
                let key = try readQuoted(delimiter: characters[index])
                return token(.identifier(prefix: prefix, quotedKey: key), from: start)
            }
            return token(.identifier(prefix: prefix, quotedKey: nil), from: start)
        }
        for symbol in ["!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ","] {
            let symbolCharacters = Array(symbol)
            if index + symbolCharacters.count <= characters.count,
               Array(characters[index..<index + symbolCharacters.count]) == symbolCharacters
            {
                index += symbolCharacters.count
                return token(.symbol(symbol == "<>" ? "!=" : symbol), from: start)
            }
        }
        throw FilterParser.syntaxError(in: source, at: start, "unexpected character '\(character)'")
    }

    private func token(_ kind: FilterToken.Kind, from start: Int) -> FilterToken {
        FilterToken(kind: kind, position: start, text: String(characters[start..<index]))
    }

    private func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "."
    }

    private func peekIsDigit(after position: Int) -> Bool {
        position + 1 < characters.count && (characters[position + 1].isNumber || characters[position + 1] == ".")
    }

    /// Reads a quoted run; a doubled delimiter stands for itself, as in SQL.
    private mutating func readQuoted(delimiter: Character) throws -> String {
        let start = index
        index += 1
        var body = ""
        while index < characters.count {
            let character = characters[index]
            if character == delimiter {
                if index + 1 < characters.count, characters[index + 1] == delimiter {
                    body.append(delimiter)
                    index += 2
                    continue
                }
                index += 1
                return body
            }
            if character == "\\", index + 1 < characters.count, characters[index + 1] == delimiter {
                body.append(delimiter)
                index += 2
                continue
            }
            body.append(character)
            index += 1
        }
        throw FilterParser.syntaxError(in: source, at: start, "unterminated quoted text starting with \(delimiter)")
    }

    private mutating func readNumber(from start: Int) throws -> FilterToken {
        index += 1
        while index < characters.count {
            let character = characters[index]
            if character.isNumber || character == "." {
                index += 1
            } else if character == "e" || character == "E" {
                index += 1
                if index < characters.count, characters[index] == "-" || characters[index] == "+" { index += 1 }
            } else {
                break
            }
        }
        let text = String(characters[start..<index])
        guard let value = Double(text) else {
            throw FilterParser.syntaxError(in: source, at: start, "'\(text)' is not a number")
        }
        return token(.number(value), from: start)
    }
}
