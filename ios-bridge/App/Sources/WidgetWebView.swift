import FindThisFitKit
import SwiftUI
import WebKit

/// The widget's WKWebView: the app://bundle scheme handler, the `findThisFit` message handler with reply
/// and the host page app://bundle/index.html (copied in by `pnpm build:ios`).
struct WidgetWebView: UIViewRepresentable {
    let model: AppModel

    func makeCoordinator() -> Coordinator {
        Coordinator(model: model)
    }

    func makeUIView(context: Context) -> WKWebView {
        let coordinator = context.coordinator
        let configuration = WKWebViewConfiguration()
        configuration.setURLSchemeHandler(coordinator.schemeHandler, forURLScheme: BundleSchemeHandler.scheme)
        configuration.userContentController.addScriptMessageHandler(
            coordinator.bridge, contentWorld: .page, name: BridgeProtocol.handlerName
        )
        configuration.allowsInlineMediaPlayback = true

        let webView = WKWebView(frame: .zero, configuration: configuration)
        webView.navigationDelegate = coordinator
        webView.allowsBackForwardNavigationGestures = false
        #if DEBUG
        webView.isInspectable = true // Safari ▸ Develop
        #endif
        coordinator.bridge.webView = webView
        webView.load(URLRequest(url: URL(string: "app://bundle/index.html")!))
        return webView
    }

    func updateUIView(_ webView: WKWebView, context: Context) {}

    static func dismantleUIView(_ webView: WKWebView, coordinator: Coordinator) {
        // The user content controller retains its handlers: remove ours to break the cycle.
        webView.configuration.userContentController.removeScriptMessageHandler(
            forName: BridgeProtocol.handlerName, contentWorld: .page
        )
    }

    @MainActor
    final class Coordinator: NSObject, WKNavigationDelegate {
        let bridge: BridgeController
        let schemeHandler: BundleSchemeHandler

        init(model: AppModel) {
            let settings = try? AppSettings.fromBundle()
            bridge = BridgeController(model: model, settings: settings, linkOpener: LinkOpener(model: model))
            let widgetRoot = Bundle.main.resourceURL!.appendingPathComponent("widget", isDirectory: true)
            schemeHandler = BundleSchemeHandler(widgetRoot: widgetRoot, photoRoot: PhotoStore.directory)
        }

        func webView(_ webView: WKWebView, didStartProvisionalNavigation navigation: WKNavigation!) {
            bridge.pageWillLoad()
        }

        /// Only our own pages load in the web view; other links open outside it.
        func webView(
            _ webView: WKWebView,
            decidePolicyFor navigationAction: WKNavigationAction
        ) async -> WKNavigationActionPolicy {
            guard let url = navigationAction.request.url else { return .cancel }
            if url.scheme == BundleSchemeHandler.scheme { return .allow }
            _ = await LinkOpener(model: bridge.model).open(url: url.absoluteString, appURL: nil)
            return .cancel
        }

        /// The web content process can be killed under memory pressure (the model is large): reload.
        func webViewWebContentProcessDidTerminate(_ webView: WKWebView) {
            bridge.pageWillLoad()
            webView.reload()
        }
    }
}

