import Foundation

// The server's image search (`POST /v1/search/image`, raw image bytes) and listing lookup
// (`GET /v1/items/:id`), for the Shortcuts intent that runs without the widget. Shapes follow
// packages/sdk/src/api/types.ts (SearchResponse, SearchResult, Listing).

public struct Money: Codable, Equatable, Sendable {
    /// Integer amount in the currency's minor unit, e.g. 1999 = €19.99.
    public var amount: Int
    /// ISO 4217, e.g. `EUR`.
    public var currency: String
}

/// One search hit. Fields the app does not use are left out; unknown fields are ignored.
public struct SearchHit: Codable, Equatable, Sendable, Identifiable {
    public var id: String
    public var source: String
    public var externalId: String
    public var title: String
    public var brand: String?
    public var size: String?
    public var condition: String?
    public var price: Money?
    /// Web page of the listing.
    public var url: String
    /// Deep link into the marketplace's app, e.g. `depop://product/123`.
    public var appUrl: String?
    public var imageUrl: String
    /// Cosine similarity in [-1, 1]; absent when the listing was read by id (`GET /v1/items/:id`).
    public var score: Double?
}

public struct ImageSearchResponse: Codable, Equatable, Sendable {
    public var results: [SearchHit]
    public var nextCursor: String?
    /// Fingerprint of the index's model.
    public var model: String
    public var tookMs: Double
}

/// The server's error body, `{ error: { code, message } }`.
private struct ServerErrorBody: Decodable {
    struct Inner: Decodable {
        var code: String
        var message: String
    }

    var error: Inner
}

public enum ImageSearchError: Error, Equatable, LocalizedError {
    /// The server answered with an error body `{ error: { code, message } }`.
    case server(status: Int, code: String, message: String)
    case invalidResponse(String)
    case invalidConfiguration(String)

    public var errorDescription: String? {
        switch self {
        case let .server(status, code, message): "Search server error \(status) \(code): \(message)"
        case let .invalidResponse(why): "Unexpected search server response: \(why)"
        case let .invalidConfiguration(why): "Search is not configured: \(why)"
        }
    }
}

public struct ImageSearchClient: Sendable {
    /// The server's base URL, e.g. `https://search.example.com`.
    public var apiBase: URL
    /// A publishable key.
    public var apiKey: String
    /// Results to ask for, 1..100.
    public var k: Int

    public static let imageTypes: Set<String> = ["image/jpeg", "image/png", "image/webp", "image/gif"]

    public init(apiBase: URL, apiKey: String, k: Int = 10) throws {
        guard let scheme = apiBase.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw ImageSearchError.invalidConfiguration("apiBase must be an http(s) URL")
        }
        guard !apiKey.isEmpty, !apiKey.contains(where: \.isWhitespace) else {
            throw ImageSearchError.invalidConfiguration("apiKey is empty or contains spaces")
        }
        guard (1 ... 100).contains(k) else { throw ImageSearchError.invalidConfiguration("k must be 1..100") }
        self.apiBase = apiBase
        self.apiKey = apiKey
        self.k = k
    }

    /// `POST {apiBase}/v1/search/image?k=…` with the raw image as the body.
    public func makeRequest(image: Data, mimeType: String) throws -> URLRequest {
        guard Self.imageTypes.contains(mimeType) else {
            throw ImageSearchError.invalidConfiguration("unsupported image type \(mimeType) (jpeg, png, webp, gif)")
        }
        guard !image.isEmpty else { throw ImageSearchError.invalidConfiguration("empty image") }
        var components = URLComponents(url: apiBase, resolvingAgainstBaseURL: false)!
        let basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = basePath + "/v1/search/image"
        components.queryItems = [URLQueryItem(name: "k", value: String(k))]
        guard let url = components.url else { throw ImageSearchError.invalidConfiguration("bad apiBase") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue(mimeType, forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.httpBody = image
        request.timeoutInterval = 30
        return request
    }

    /// `GET {apiBase}/v1/items/{id}`.
    public func makeItemRequest(id: String) throws -> URLRequest {
        guard !id.isEmpty, let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else {
            throw ImageSearchError.invalidConfiguration("empty listing id")
        }
        var components = URLComponents(url: apiBase, resolvingAgainstBaseURL: false)!
        let basePath = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = basePath + "/v1/items/" + escaped
        guard let url = components.url else { throw ImageSearchError.invalidConfiguration("bad apiBase") }
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 30
        return request
    }

    public func listing(id: String, session: URLSession = .shared) async throws -> SearchHit {
        let (data, response) = try await session.data(for: makeItemRequest(id: id))
        return try decode(SearchHit.self, data: data, response: response)
    }

    /// Reads a response: the results on 2xx, the server's error otherwise.
    public func decode(data: Data, response: URLResponse) throws -> ImageSearchResponse {
        try decode(ImageSearchResponse.self, data: data, response: response)
    }

    func decode<T: Decodable>(_ type: T.Type, data: Data, response: URLResponse) throws -> T {
        guard let http = response as? HTTPURLResponse else { throw ImageSearchError.invalidResponse("not HTTP") }
        guard (200 ..< 300).contains(http.statusCode) else {
            if let body = try? JSONDecoder().decode(ServerErrorBody.self, from: data) {
                throw ImageSearchError.server(status: http.statusCode, code: body.error.code, message: body.error.message)
            }
            throw ImageSearchError.server(status: http.statusCode, code: "http_\(http.statusCode)", message: "no error body")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ImageSearchError.invalidResponse(String(describing: error))
        }
    }

    public func search(image: Data, mimeType: String, session: URLSession = .shared) async throws -> ImageSearchResponse {
        let (data, response) = try await session.data(for: makeRequest(image: image, mimeType: mimeType))
        return try decode(data: data, response: response)
    }
}
