import Foundation

// Payloads of bridge protocol v1, one type per message; field rules mirror
// ios-bridge/protocol/bridge-protocol.schema.json.

enum Pattern {
    static let messageID = "^[A-Za-z0-9_.:-]{1,64}$"
    static let messageType = "^[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*$"
    static let photoURL = "^app://bundle/photos/[A-Za-z0-9_-]{1,64}\\.(jpg|jpeg|png|webp)$"
    static let locale = "^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"
    static let apiKey = "^[!-~]{1,256}$"
    static let httpURL = "^https?://\\S+$"
    static let appURL = "^[a-z][a-z0-9+.-]*://\\S+$"
    static let capability = "^[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*$"
}

/// JS → native, once: the widget is listening. Reply: `HostReadyResult`.
public struct HostReady: Codable, Equatable, Sendable {
    public var widgetVersion: String
    public var protocolVersion: Int
    /// Native → JS message types the widget handles.
    public var capabilities: [String]

    public init(widgetVersion: String, protocolVersion: Int = BridgeProtocol.version, capabilities: [String]) {
        self.widgetVersion = widgetVersion
        self.protocolVersion = protocolVersion
        self.capabilities = capabilities
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case widgetVersion, protocolVersion, capabilities }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        widgetVersion = try c.decode(String.self, forKey: .widgetVersion)
        protocolVersion = try c.decode(Int.self, forKey: .protocolVersion)
        capabilities = try c.decode([String].self, forKey: .capabilities)
        guard (1 ... 64).contains(widgetVersion.count) else { throw invalid(decoder, "widgetVersion: 1..64 characters") }
        guard protocolVersion == BridgeProtocol.version else { throw invalid(decoder, "protocolVersion must be 1") }
        try validateCapabilities(capabilities, decoder)
    }
}

func validateCapabilities(_ capabilities: [String], _ decoder: Decoder) throws {
    guard capabilities.count <= 32, Set(capabilities).count == capabilities.count else {
        throw invalid(decoder, "capabilities: at most 32, no duplicates")
    }
    for capability in capabilities where capability.count > 64 {
        throw invalid(decoder, "capability too long: \(capability)")
    }
    for capability in capabilities {
        try requireMatch(capability, Pattern.capability, AnyKey(stringValue: "capabilities"), in: decoder)
    }
}

public struct HostReadyResult: Codable, Equatable, Sendable {
    public var hostVersion: String?
    /// JS → native message types (and features such as `camera`) the host supports.
    public var capabilities: [String]

    public init(hostVersion: String?, capabilities: [String]) {
        self.hostVersion = hostVersion
        self.capabilities = capabilities
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case hostVersion, capabilities }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostVersion = try c.decodeIfPresent(String.self, forKey: .hostVersion)
        capabilities = try c.decode([String].self, forKey: .capabilities)
        try validateCapabilities(capabilities, decoder)
    }
}

public enum PhotoSource: String, Codable, Sendable { case camera, library }

/// JS → native: let the user take or choose a photo. Reply: `PhotoResult`, or error `cancelled`.
public struct PhotoPick: Codable, Equatable, Sendable {
    public var source: PhotoSource

    public init(source: PhotoSource) { self.source = source }

    enum CodingKeys: String, CodingKey, CaseIterable { case source }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        source = try decoder.container(keyedBy: CodingKeys.self).decode(PhotoSource.self, forKey: .source)
    }
}

public enum ImageMimeType: String, Codable, Sendable {
    case jpeg = "image/jpeg", png = "image/png", webp = "image/webp"
}

/// A photo served by the app's scheme handler: the photo.pick reply and the search.image payload.
public struct PhotoRef: Codable, Equatable, Sendable {
    /// `app://bundle/photos/<name>.<ext>`; photos never cross the bridge as bytes.
    public var url: String
    public var mimeType: ImageMimeType?

    public init(url: String, mimeType: ImageMimeType? = nil) {
        self.url = url
        self.mimeType = mimeType
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case url, mimeType }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        mimeType = try c.decodeIfPresent(ImageMimeType.self, forKey: .mimeType)
        guard url.count <= 120 else { throw invalid(decoder, "url too long") }
        try requireMatch(url, Pattern.photoURL, CodingKeys.url, in: decoder)
    }
}

/// JS → native: open a listing. Reply: `ResultOpenResult`.
public struct ResultOpen: Codable, Equatable, Sendable {
    public var url: String
    public var appUrl: String?

    public init(url: String, appUrl: String? = nil) {
        self.url = url
        self.appUrl = appUrl
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case url, appUrl }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        appUrl = try c.decodeIfPresent(String.self, forKey: .appUrl)
        guard url.count <= 2048, (appUrl?.count ?? 0) <= 2048 else { throw invalid(decoder, "URL too long") }
        try requireMatch(url, Pattern.httpURL, CodingKeys.url, in: decoder)
        if let appUrl { try requireMatch(appUrl, Pattern.appURL, CodingKeys.appUrl, in: decoder) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(appUrl, forKey: .appUrl) // null is meaningful: "no app link"
    }
}

public enum OpenedWith: String, Codable, Sendable {
    case app
    case universalLink = "universal-link"
    case safari
}

public struct ResultOpenResult: Codable, Equatable, Sendable {
    public var opened: OpenedWith

    public init(opened: OpenedWith) { self.opened = opened }

    enum CodingKeys: String, CodingKey, CaseIterable { case opened }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        opened = try decoder.container(keyedBy: CodingKeys.self).decode(OpenedWith.self, forKey: .opened)
    }
}

public enum LogLevel: String, Codable, Sendable { case debug, info, warn, error }

/// JS → native diagnostics, without personal data. Reply: empty payload.
public struct LogMessage: Codable, Equatable, Sendable {
    public var level: LogLevel
    public var message: String

    public init(level: LogLevel, message: String) {
        self.level = level
        self.message = message
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case level, message }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        level = try c.decode(LogLevel.self, forKey: .level)
        message = try c.decode(String.self, forKey: .message)
        guard message.count <= 1000 else { throw invalid(decoder, "message: at most 1000 characters") }
    }
}

public enum Theme: String, Codable, Sendable { case light, dark, auto }
public enum ComputeDevice: String, Codable, Sendable { case auto, webgpu, wasm }

/// Native → JS after host.ready: configures the widget. Reply: empty payload.
public struct HostInit: Codable, Equatable, Sendable {
    /// BCP 47, e.g. `en-GB`.
    public var locale: String
    public var theme: Theme
    public var apiBase: String
    /// A publishable key; never a secret key.
    public var apiKey: String
    public var k: Int?
    public var model: String?
    public var device: ComputeDevice?

    public init(
        locale: String, theme: Theme, apiBase: String, apiKey: String,
        k: Int? = nil, model: String? = nil, device: ComputeDevice? = nil
    ) {
        self.locale = locale
        self.theme = theme
        self.apiBase = apiBase
        self.apiKey = apiKey
        self.k = k
        self.model = model
        self.device = device
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case locale, theme, apiBase, apiKey, k, model, device }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        locale = try c.decode(String.self, forKey: .locale)
        theme = try c.decode(Theme.self, forKey: .theme)
        apiBase = try c.decode(String.self, forKey: .apiBase)
        apiKey = try c.decode(String.self, forKey: .apiKey)
        k = try c.decodeIfPresent(Int.self, forKey: .k)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        device = try c.decodeIfPresent(ComputeDevice.self, forKey: .device)
        guard locale.count <= 64, apiBase.count <= 2048 else { throw invalid(decoder, "locale or apiBase too long") }
        try requireMatch(locale, Pattern.locale, CodingKeys.locale, in: decoder)
        try requireMatch(apiBase, Pattern.httpURL, CodingKeys.apiBase, in: decoder)
        try requireMatch(apiKey, Pattern.apiKey, CodingKeys.apiKey, in: decoder)
        if let k, !(1 ... 100).contains(k) { throw invalid(decoder, "k: 1..100") }
        if let model, !(1 ... 128).contains(model.count) { throw invalid(decoder, "model: 1..128 characters") }
    }
}

/// The search.image reply: how many listings the widget shows, best first.
public struct SearchImageResult: Codable, Equatable, Sendable {
    public var resultCount: Int
    public var topIds: [String]

    public init(resultCount: Int, topIds: [String]) {
        self.resultCount = resultCount
        self.topIds = topIds
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case resultCount, topIds }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        resultCount = try c.decode(Int.self, forKey: .resultCount)
        topIds = try c.decode([String].self, forKey: .topIds)
        guard resultCount >= 0 else { throw invalid(decoder, "resultCount must be ≥ 0") }
        guard topIds.count <= 100, topIds.allSatisfy({ (1 ... 128).contains($0.count) }) else {
            throw invalid(decoder, "topIds: at most 100 ids of 1..128 characters")
        }
    }
}

/// The empty payload of host.init and log replies.
public struct EmptyPayload: Codable, Equatable, Sendable {
    public init() {}

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: [])
    }

    public func encode(to encoder: Encoder) throws {
        _ = encoder.container(keyedBy: AnyKey.self) // {}
    }
}
