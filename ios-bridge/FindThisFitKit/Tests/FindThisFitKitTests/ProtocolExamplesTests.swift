import Foundation
import XCTest
@testable import FindThisFitKit

/// Decodes the same example messages the widget's JS tests validate with ajv
/// (ios-bridge/protocol/examples), read in place: this file is at
/// ios-bridge/FindThisFitKit/Tests/FindThisFitKitTests/, the examples at ios-bridge/protocol/examples/.
final class ProtocolExamplesTests: XCTestCase {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // FindThisFitKitTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // FindThisFitKit
        .deletingLastPathComponent() // ios-bridge
        .appendingPathComponent("protocol/examples", isDirectory: true)

    func jsonFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Equality of JSON documents, ignoring key order and number formatting.
    func assertSameJSON(_ a: Data, _ b: Data, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let left = try JSONSerialization.jsonObject(with: a) as? NSDictionary
        let right = try JSONSerialization.jsonObject(with: b) as? NSDictionary
        XCTAssertNotNil(left, name, file: file, line: line)
        XCTAssertEqual(left, right, "\(name) does not survive decode → encode", file: file, line: line)
    }

    func testEveryExampleDecodesAndReencodesUnchanged() throws {
        let files = try jsonFiles(in: Self.examples)
        XCTAssertGreaterThanOrEqual(files.count, 12, "examples not found at \(Self.examples.path)")
        for file in files {
            let data = try Data(contentsOf: file)
            let message: BridgeMessage
            do {
                message = try JSONDecoder().decode(BridgeMessage.self, from: data)
            } catch {
                XCTFail("\(file.lastPathComponent) does not decode: \(error)")
                continue
            }
            if case let .request(request) = message, case .unknown = request.body {
                XCTFail("\(file.lastPathComponent) decoded as an unknown type")
            }
            try assertSameJSON(data, JSONEncoder().encode(message), file.lastPathComponent)
        }
    }

    func testEveryInvalidExampleIsRejected() throws {
        struct Invalid: Decodable { var why: String; var direction: String; var message: JSONValue }
        let files = try jsonFiles(in: Self.examples.appendingPathComponent("invalid"))
        XCTAssertGreaterThanOrEqual(files.count, 8)
        for file in files {
            let invalid = try JSONDecoder().decode(Invalid.self, from: Data(contentsOf: file))
            let data = try JSONEncoder().encode(invalid.message)
            XCTAssertThrowsError(
                try JSONDecoder().decode(BridgeMessage.self, from: data),
                "\(file.lastPathComponent) should be rejected: \(invalid.why)"
            )
        }
    }

    func testTypedPayloadsOfTheExamples() throws {
        func load(_ name: String) throws -> BridgeMessage {
            try JSONDecoder().decode(BridgeMessage.self, from: Data(contentsOf: Self.examples.appendingPathComponent(name)))
        }
        guard case let .request(initRequest) = try load("host-init.json"), case let .hostInit(hostInit) = initRequest.body
        else { return XCTFail("host-init.json is not host.init") }
        XCTAssertEqual(hostInit.theme, .auto)
        XCTAssertEqual(hostInit.k, 24)

        guard case let .reply(readyReply) = try load("host-ready.reply.json") else { return XCTFail("not a reply") }
        let ready = try readyReply.payload(as: HostReadyResult.self)
        XCTAssertTrue(ready.capabilities.contains("photo.pick"))

        guard case let .reply(cancelled) = try load("photo-pick.cancelled.reply.json") else { return XCTFail("not a reply") }
        XCTAssertThrowsError(try cancelled.payload(as: PhotoRef.self)) { error in
            XCTAssertEqual((error as? BridgeErrorBody)?.code, .cancelled)
        }

        guard case let .reply(opened) = try load("result-open.reply.json") else { return XCTFail("not a reply") }
        XCTAssertEqual(try opened.payload(as: ResultOpenResult.self).opened, .universalLink)
    }

    func testUnknownTypeDecodesAsUnknown() throws {
        let data = Data(#"{"v":1,"id":"js-9","type":"cart.add","payload":{"id":"1"}}"#.utf8)
        guard case let .request(request) = try JSONDecoder().decode(BridgeMessage.self, from: data) else {
            return XCTFail("not a request")
        }
        XCTAssertEqual(request.body, .unknown(type: "cart.add"))
    }

    func testRepliesBuiltByTheHostEncodeAsTheSchemaExpects() throws {
        let reply = try BridgeReply.ok(id: "ios-1", replyTo: "js-1", payload: ResultOpenResult(opened: .safari))
        let object = try BridgeJSON.object(from: reply) as? [String: Any]
        XCTAssertEqual(object?["type"] as? String, "reply")
        XCTAssertEqual(object?["ok"] as? Bool, true)
        XCTAssertEqual((object?["payload"] as? [String: Any])?["opened"] as? String, "safari")

        let failure = BridgeReply.error(id: "ios-2", replyTo: nil, .invalidMessage, "bad")
        let failed = try BridgeJSON.object(from: failure) as? [String: Any]
        XCTAssertTrue(failed?["replyTo"] is NSNull, "replyTo is an explicit null")
        XCTAssertEqual((failed?["error"] as? [String: Any])?["code"] as? String, "invalid_message")
    }
}
