import Foundation

/// A coding key for any string, to list the keys an object actually has.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// The schema's objects are closed (`additionalProperties: false`): a misspelt field is an error,
    /// not something to ignore silently.
    func rejectUnknownKeys(allowed: Set<String>) throws {
        let container = try self.container(keyedBy: AnyKey.self)
        if let extra = container.allKeys.first(where: { !allowed.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [extra as CodingKey],
                debugDescription: "unexpected field \"\(extra.stringValue)\""
            ))
        }
    }
}

/// Checks a decoded string against a pattern from the schema (the whole string must match).
func requireMatch(_ value: String, _ pattern: String, _ key: CodingKey, in decoder: Decoder) throws {
    guard value.range(of: pattern, options: .regularExpression) == value.startIndex ..< value.endIndex else {
        throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath + [key],
            debugDescription: "\"\(value)\" does not match \(pattern)"
        ))
    }
}

func invalid(_ decoder: Decoder, _ message: String) -> DecodingError {
    .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
}
