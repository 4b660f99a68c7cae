import FindThisFitKit
import Foundation
import os
import WebKit

/// The native end of the bridge protocol (ios-bridge/protocol): answers the widget's requests
/// (WKScriptMessageHandlerWithReply: the JS promise resolves with our reply envelope) and sends
/// host.init / search.image to the widget with callAsyncJavaScript.
@MainActor
final class BridgeController: NSObject, WKScriptMessageHandlerWithReply {
    static let hostCapabilities = ["photo.pick", "result.open", "log", "camera"]

    weak var webView: WKWebView?
    let model: AppModel
    private let settings: AppSettings?
    private let linkOpener: LinkOpener
    private let logger = Logger(subsystem: "FindThisFit", category: "bridge")
    private var sequence = 0
    /// The widget announced host.ready and got host.init: search.image may be sent.
    private(set) var widgetReady = false

    init(model: AppModel, settings: AppSettings?, linkOpener: LinkOpener) {
        self.model = model
        self.settings = settings
        self.linkOpener = linkOpener
        super.init()
        model.onPendingPhoto = { [weak self] in
            Task { await self?.flushPendingPhoto() }
        }
    }

    private func nextID() -> String {
        sequence += 1
        return "ios-\(sequence)"
    }

    // MARK: JS → native

    func userContentController(
        _ userContentController: WKUserContentController,
        didReceive message: WKScriptMessage
    ) async -> (Any?, String?) {
        // Only our own page, in the main frame, may drive the host.
        let origin = message.frameInfo.securityOrigin
        guard message.frameInfo.isMainFrame, origin.protocol == BundleSchemeHandler.scheme,
              origin.host == BundleSchemeHandler.host
        else {
            return (nil, "forbidden origin")
        }
        let reply = await handle(message.body)
        do {
            return (try BridgeJSON.object(from: reply), nil)
        } catch {
            return (nil, "could not encode the reply: \(error)")
        }
    }

    /// Decodes one request and answers it; never throws: every failure is an error reply.
    func handle(_ body: Any) async -> BridgeReply {
        let request: BridgeRequest
        do {
            request = try BridgeJSON.decode(BridgeRequest.self, fromObject: body)
        } catch {
            let id = (body as? [String: Any])?["id"] as? String
            let readable = id.flatMap { $0.range(of: "^[A-Za-z0-9_.:-]{1,64}$", options: .regularExpression) != nil ? $0 : nil }
            return .error(id: nextID(), replyTo: readable, .invalidMessage, "invalid message: \(error)")
        }
        do {
            switch request.body {
            case let .hostReady(ready):
                logger.info("widget \(ready.widgetVersion, privacy: .public) ready")
                let reply = try BridgeReply.ok(
                    id: nextID(), replyTo: request.id,
                    payload: HostReadyResult(hostVersion: Self.appVersion, capabilities: Self.hostCapabilities)
                )
                // host.init goes out after the reply, so the widget has finished connecting.
                Task { await self.sendInit(widgetCapabilities: ready.capabilities) }
                return reply
            case let .photoPick(pick):
                guard let photo = await model.pickPhoto(source: pick.source) else {
                    return .error(id: nextID(), replyTo: request.id, .cancelled, "The user cancelled.")
                }
                return try .ok(id: nextID(), replyTo: request.id, payload: photo)
            case let .resultOpen(open):
                let opened = await linkOpener.open(url: open.url, appURL: open.appUrl)
                return try .ok(id: nextID(), replyTo: request.id, payload: ResultOpenResult(opened: opened))
            case let .log(entry):
                logger.log(level: entry.level.osLogType, "\(entry.message, privacy: .public)")
                return try .ok(id: nextID(), replyTo: request.id, payload: EmptyPayload())
            case .hostInit, .searchImage, .unknown:
                return .error(id: nextID(), replyTo: request.id, .unsupported, "Unsupported message type: \(request.body.type)")
            }
        } catch let error as BridgeErrorBody {
            return .error(id: nextID(), replyTo: request.id, error.code, error.message)
        } catch {
            return .error(id: nextID(), replyTo: request.id, .internal, String(describing: error))
        }
    }

    // MARK: native → JS

    private func sendInit(widgetCapabilities: [String]) async {
        guard let settings else {
            model.lastError = "The server is not configured (FTFServerURL / FTFPublishableKey)."
            return
        }
        let hostInit = HostInit(
            locale: Self.localeTag,
            theme: .auto,
            apiBase: settings.apiBase.absoluteString,
            apiKey: settings.apiKey,
            k: settings.k
        )
        do {
            _ = try await send(.hostInit(hostInit)).payload(as: EmptyPayload.self)
            widgetReady = widgetCapabilities.contains("search.image")
            await flushPendingPhoto()
        } catch {
            model.lastError = "The widget did not accept its settings: \(error)"
        }
    }

    /// Sends the photo an intent or the picker left in the model, once the widget is ready.
    func flushPendingPhoto() async {
        guard widgetReady, let photo = model.pendingPhoto else { return }
        model.pendingPhoto = nil
        do {
            let result = try await send(.searchImage(photo)).payload(as: SearchImageResult.self)
            logger.info("search.image: \(result.resultCount) results")
        } catch {
            model.lastError = "Search failed: \(error)"
        }
    }

    /// Posts a request to the widget and returns its (decoded) reply.
    func send(_ body: RequestBody) async throws -> BridgeReply {
        guard let webView else { throw BridgeErrorBody(code: .internal, message: "no web view") }
        let message = try BridgeJSON.object(from: BridgeRequest(id: nextID(), body: body))
        let result = try await webView.callAsyncJavaScript(
            BridgeProtocol.receiveScript,
            arguments: ["message": message],
            in: nil,
            contentWorld: .page
        )
        guard let result else { throw BridgeErrorBody(code: .internal, message: "the widget returned nothing") }
        return try BridgeJSON.decode(BridgeReply.self, fromObject: result)
    }

    /// A new page load (reload, crash recovery) starts the handshake again.
    func pageWillLoad() {
        widgetReady = false
    }

    /// Language and region only (e.g. en-GB): the protocol's locale pattern has no room for extensions.
    static var localeTag: String {
        let language = Locale.current.language.languageCode?.identifier ?? "en"
        let region = Locale.current.region?.identifier
        return [language, region].compactMap { $0 }.joined(separator: "-")
    }

    static var appVersion: String {
        let info = Bundle.main.infoDictionary
        let version = info?["CFBundleShortVersionString"] as? String ?? "0"
        let build = info?["CFBundleVersion"] as? String ?? "0"
        return "\(version) (\(build))"
    }
}

private extension LogLevel {
    var osLogType: OSLogType {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warn: .default
        case .error: .error
        }
    }
}
