import Foundation

public enum BridgeProtocol {
    public static let version = 1
    /// `window.webkit.messageHandlers.findThisFit`.
    public static let handlerName = "findThisFit"
    /// Native → JS entry point installed by the widget's adapter.
    public static let receiveScript = "return await window.__findThisFitBridge.receive(message)"
}

/// The body of a request envelope: its `type` and typed `payload`.
public enum RequestBody: Equatable, Sendable {
    // JS → native
    case hostReady(HostReady)
    case photoPick(PhotoPick)
    case resultOpen(ResultOpen)
    case log(LogMessage)
    // native → JS
    case hostInit(HostInit)
    case searchImage(PhotoRef)
    /// A well-formed envelope of a type this side does not know: answer `unsupported`.
    case unknown(type: String)

    public var type: String {
        switch self {
        case .hostReady: "host.ready"
        case .photoPick: "photo.pick"
        case .resultOpen: "result.open"
        case .log: "log"
        case .hostInit: "host.init"
        case .searchImage: "search.image"
        case let .unknown(type): type
        }
    }
}

/// `{ v: 1, id, type, payload }`.
public struct BridgeRequest: Codable, Equatable, Sendable {
    public var id: String
    public var body: RequestBody

    public init(id: String, body: RequestBody) {
        self.id = id
        self.body = body
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case v, id, type, payload }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard try c.decode(Int.self, forKey: .v) == BridgeProtocol.version else { throw invalid(decoder, "v must be 1") }
        id = try c.decode(String.self, forKey: .id)
        try requireMatch(id, Pattern.messageID, CodingKeys.id, in: decoder)
        let type = try c.decode(String.self, forKey: .type)
        guard type != "reply", type.count <= 64 else { throw invalid(decoder, "not a request type: \(type)") }
        try requireMatch(type, Pattern.messageType, CodingKeys.type, in: decoder)
        switch type {
        case "host.ready": body = .hostReady(try c.decode(HostReady.self, forKey: .payload))
        case "photo.pick": body = .photoPick(try c.decode(PhotoPick.self, forKey: .payload))
        case "result.open": body = .resultOpen(try c.decode(ResultOpen.self, forKey: .payload))
        case "log": body = .log(try c.decode(LogMessage.self, forKey: .payload))
        case "host.init": body = .hostInit(try c.decode(HostInit.self, forKey: .payload))
        case "search.image": body = .searchImage(try c.decode(PhotoRef.self, forKey: .payload))
        default:
            guard case .object = try c.decode(JSONValue.self, forKey: .payload) else {
                throw invalid(decoder, "payload must be an object")
            }
            body = .unknown(type: type)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(BridgeProtocol.version, forKey: .v)
        try c.encode(id, forKey: .id)
        try c.encode(body.type, forKey: .type)
        switch body {
        case let .hostReady(payload): try c.encode(payload, forKey: .payload)
        case let .photoPick(payload): try c.encode(payload, forKey: .payload)
        case let .resultOpen(payload): try c.encode(payload, forKey: .payload)
        case let .log(payload): try c.encode(payload, forKey: .payload)
        case let .hostInit(payload): try c.encode(payload, forKey: .payload)
        case let .searchImage(payload): try c.encode(payload, forKey: .payload)
        case .unknown: try c.encode(EmptyPayload(), forKey: .payload)
        }
    }
}

public enum BridgeErrorCode: String, Codable, Sendable {
    case unsupported
    case invalidMessage = "invalid_message"
    case cancelled
    case notFound = "not_found"
    case permissionDenied = "permission_denied"
    case `internal`
}

public struct BridgeErrorBody: Codable, Equatable, Sendable, Error {
    public var code: BridgeErrorCode
    public var message: String

    public init(code: BridgeErrorCode, message: String) {
        self.code = code
        self.message = String(message.prefix(1000))
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case code, message }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(BridgeErrorCode.self, forKey: .code)
        message = try c.decode(String.self, forKey: .message)
        guard message.count <= 1000 else { throw invalid(decoder, "message: at most 1000 characters") }
    }
}

/// `{ v: 1, id, type: "reply", replyTo, ok: true, payload }` or `{ …, ok: false, error: { code, message } }`.
public struct BridgeReply: Codable, Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case ok(JSONValue)
        case error(BridgeErrorBody)
    }

    public var id: String
    /// nil when the request had no readable id.
    public var replyTo: String?
    public var outcome: Outcome

    public init(id: String, replyTo: String?, outcome: Outcome) {
        self.id = id
        self.replyTo = replyTo
        self.outcome = outcome
    }

    public static func ok(id: String, replyTo: String, payload: some Encodable) throws -> BridgeReply {
        BridgeReply(id: id, replyTo: replyTo, outcome: .ok(try JSONValue(encoding: payload)))
    }

    public static func error(id: String, replyTo: String?, _ code: BridgeErrorCode, _ message: String) -> BridgeReply {
        BridgeReply(id: id, replyTo: replyTo, outcome: .error(BridgeErrorBody(code: code, message: message)))
    }

    /// The payload as the type the request expects; throws the error a failed reply carries.
    public func payload<T: Decodable>(as type: T.Type) throws -> T {
        switch outcome {
        case let .ok(payload): return try payload.decode(as: type)
        case let .error(error): throw error
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case v, id, type, replyTo, ok, payload, error }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let ok = try c.decode(Bool.self, forKey: .ok)
        try decoder.rejectUnknownKeys(allowed: ["v", "id", "type", "replyTo", "ok", ok ? "payload" : "error"])
        guard try c.decode(Int.self, forKey: .v) == BridgeProtocol.version else { throw invalid(decoder, "v must be 1") }
        guard try c.decode(String.self, forKey: .type) == "reply" else { throw invalid(decoder, "type must be reply") }
        id = try c.decode(String.self, forKey: .id)
        try requireMatch(id, Pattern.messageID, CodingKeys.id, in: decoder)
        guard c.contains(.replyTo) else { throw invalid(decoder, "replyTo is required (null when unknown)") }
        replyTo = try c.decodeIfPresent(String.self, forKey: .replyTo)
        if let replyTo { try requireMatch(replyTo, Pattern.messageID, CodingKeys.replyTo, in: decoder) }
        if ok {
            guard replyTo != nil else { throw invalid(decoder, "a successful reply names its request") }
            let payload = try c.decode(JSONValue.self, forKey: .payload)
            guard case .object = payload else { throw invalid(decoder, "payload must be an object") }
            outcome = .ok(payload)
        } else {
            outcome = .error(try c.decode(BridgeErrorBody.self, forKey: .error))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(BridgeProtocol.version, forKey: .v)
        try c.encode(id, forKey: .id)
        try c.encode("reply", forKey: .type)
        try c.encode(replyTo, forKey: .replyTo) // explicit null when unknown
        switch outcome {
        case let .ok(payload):
            try c.encode(true, forKey: .ok)
            try c.encode(payload, forKey: .payload)
        case let .error(error):
            try c.encode(false, forKey: .ok)
            try c.encode(error, forKey: .error)
        }
    }
}

/// Any message on the bridge: a request or a reply.
public enum BridgeMessage: Codable, Equatable, Sendable {
    case request(BridgeRequest)
    case reply(BridgeReply)

    enum CodingKeys: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let type = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .type)
        if type == "reply" {
            self = .reply(try BridgeReply(from: decoder))
        } else {
            self = .request(try BridgeRequest(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .request(request): try request.encode(to: encoder)
        case let .reply(reply): try reply.encode(to: encoder)
        }
    }
}

/// Converts between the JSON-compatible Foundation objects WebKit hands over (NSDictionary, NSArray,
/// NSString, NSNumber, NSNull) and the Codable types.
public enum BridgeJSON {
    public static func decode<T: Decodable>(_ type: T.Type, fromObject object: Any) throws -> T {
        guard JSONSerialization.isValidJSONObject(object) else {
            throw BridgeErrorBody(code: .invalidMessage, message: "not a JSON object")
        }
        return try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: object))
    }

    public static func object(from value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(value))
    }
}
