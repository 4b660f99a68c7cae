import Foundation

/// Server settings from Info.plist (FTFServerURL, FTFPublishableKey, FTFResultCount), set per build
/// configuration in project.yml. Only a publishable key ever ships in the app.
struct AppSettings: Sendable {
    var apiBase: URL
    var apiKey: String
    var k: Int

    enum Problem: Error, LocalizedError {
        case missing(String)
        var errorDescription: String? {
            switch self {
            case let .missing(key): "Info.plist setting \(key) is missing or invalid (see ios-bridge/README.md)."
            }
        }
    }

    static func fromBundle(_ bundle: Bundle = .main) throws -> AppSettings {
        func string(_ key: String) -> String? {
            (bundle.object(forInfoDictionaryKey: key) as? String)?.trimmingCharacters(in: .whitespaces)
        }
        guard let base = string("FTFServerURL"), let url = URL(string: base), url.scheme?.hasPrefix("http") == true else {
            throw Problem.missing("FTFServerURL")
        }
        guard let key = string("FTFPublishableKey"), !key.isEmpty else { throw Problem.missing("FTFPublishableKey") }
        let k = Int(string("FTFResultCount") ?? "") ?? 20
        return AppSettings(apiBase: url, apiKey: key, k: min(max(k, 1), 100))
    }
}
