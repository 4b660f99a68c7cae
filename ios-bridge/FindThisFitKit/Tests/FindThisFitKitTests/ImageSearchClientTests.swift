import Foundation
import XCTest
@testable import FindThisFitKit

final class ImageSearchClientTests: XCTestCase {
    let client = try! ImageSearchClient(apiBase: URL(string: "https://search.example.com/api/")!, apiKey: "pk_test_1", k: 5)

    func testBuildsARawImagePost() throws {
        let request = try client.makeRequest(image: Data([0xFF, 0xD8, 0xFF]), mimeType: "image/jpeg")
        XCTAssertEqual(request.httpMethod, "POST")
        XCTAssertEqual(request.url?.absoluteString, "https://search.example.com/api/v1/search/image?k=5")
        XCTAssertEqual(request.value(forHTTPHeaderField: "Content-Type"), "image/jpeg")
        XCTAssertEqual(request.value(forHTTPHeaderField: "Authorization"), "Bearer pk_test_1")
        XCTAssertEqual(request.httpBody, Data([0xFF, 0xD8, 0xFF]))
    }

    func testBuildsAnItemLookup() throws {
        let request = try client.makeItemRequest(id: "42/x")
        XCTAssertEqual(request.url?.absoluteString, "https://search.example.com/api/v1/items/42%2Fx")
        XCTAssertEqual(request.httpMethod, "GET")
    }

    func testRejectsBadInput() {
        XCTAssertThrowsError(try client.makeRequest(image: Data([1]), mimeType: "image/heic"))
        XCTAssertThrowsError(try client.makeRequest(image: Data(), mimeType: "image/png"))
        XCTAssertThrowsError(try ImageSearchClient(apiBase: URL(string: "ftp://x")!, apiKey: "pk"))
        XCTAssertThrowsError(try ImageSearchClient(apiBase: URL(string: "https://x")!, apiKey: "pk 1"))
        XCTAssertThrowsError(try ImageSearchClient(apiBase: URL(string: "https://x")!, apiKey: "pk", k: 0))
    }

    func testDecodesResultsAndErrors() throws {
        let url = URL(string: "https://search.example.com/v1/search/image")!
        let ok = HTTPURLResponse(url: url, statusCode: 200, httpVersion: nil, headerFields: nil)!
        let body = Data(#"""
        {"results":[{"id":"42","source":"depop","externalId":"123","title":"Navy jacket","description":null,
        "brand":"Carhartt","size":"M","category":"jackets","condition":"good","conditionRaw":"Good",
        "price":{"amount":4500,"currency":"GBP"},"url":"https://www.depop.com/products/x/","appUrl":"depop://product/123",
        "imageUrl":"https://img.example.com/1.jpg","status":"active","firstSeenAt":"2026-01-01T00:00:00Z",
        "lastSeenAt":"2026-01-02T00:00:00Z","score":0.91}],"model":"siglip.q8.abc","tookMs":12.5}
        """#.utf8)
        let response = try client.decode(data: body, response: ok)
        XCTAssertEqual(response.results.first?.id, "42")
        XCTAssertEqual(response.results.first?.price, Money(amount: 4500, currency: "GBP"))
        XCTAssertEqual(response.results.first?.appUrl, "depop://product/123")

        let unauthorized = HTTPURLResponse(url: url, statusCode: 401, httpVersion: nil, headerFields: nil)!
        let error = Data(#"{"error":{"code":"unauthorized","message":"missing key"}}"#.utf8)
        XCTAssertThrowsError(try client.decode(data: error, response: unauthorized)) { error in
            XCTAssertEqual(error as? ImageSearchError, .server(status: 401, code: "unauthorized", message: "missing key"))
        }
    }
}
