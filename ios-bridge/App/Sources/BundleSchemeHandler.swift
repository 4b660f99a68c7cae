import Foundation
import WebKit

/// Serves the bundled widget build under app://bundle/… and the photos under app://bundle/photos/….
/// WKWebView's loadFileURL does not run module scripts and WASM reliably; a scheme handler gives the page
/// a real origin (app://bundle) and proper MIME types (application/wasm for ORT).
final class BundleSchemeHandler: NSObject, WKURLSchemeHandler {
    static let scheme = "app"
    static let host = "bundle"

    /// The only file types served (anything else is a 403), by extension.
    static let mimeTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "wasm": "application/wasm",
        "json": "application/json",
        "css": "text/css; charset=utf-8",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "onnx": "application/octet-stream",
    ]

    private let widgetRoot: URL
    private let photoRoot: URL
    /// Tasks WebKit stopped; answering them afterwards raises an exception.
    private var stopped = Set<ObjectIdentifier>()

    init(widgetRoot: URL, photoRoot: URL) {
        self.widgetRoot = widgetRoot.standardizedFileURL.resolvingSymlinksInPath()
        self.photoRoot = photoRoot.standardizedFileURL.resolvingSymlinksInPath()
    }

    /// Maps a request URL to a file inside one of the two roots, or nil (traversal, other host, bad type).
    func resolve(_ url: URL) -> (file: URL, mimeType: String)? {
        guard url.scheme == Self.scheme, url.host == Self.host else { return nil }
        let path = url.path // percent-decoded
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) else { return nil }
        let (root, relative): (URL, [String]) = components.first == "photos"
            ? (photoRoot, Array(components.dropFirst()))
            : (widgetRoot, components.isEmpty ? ["index.html"] : components)
        guard !relative.isEmpty else { return nil }
        let file = relative.reduce(root) { $0.appendingPathComponent($1) }.standardizedFileURL.resolvingSymlinksInPath()
        // Belt and braces: the resolved file (after symlinks) must still be inside its root.
        guard file.path.hasPrefix(root.path + "/") else { return nil }
        guard let mimeType = Self.mimeTypes[file.pathExtension.lowercased()] else { return nil }
        return (file, mimeType)
    }

    func webView(_ webView: WKWebView, start urlSchemeTask: any WKURLSchemeTask) {
        guard let url = urlSchemeTask.request.url else {
            urlSchemeTask.didFailWithError(URLError(.badURL))
            return
        }
        guard let resolved = resolve(url) else {
            respond(urlSchemeTask, url: url, status: 403, mimeType: "text/plain", data: Data("Forbidden".utf8))
            return
        }
        let (file, mimeType) = resolved
        let id = ObjectIdentifier(urlSchemeTask)
        // Read off the main thread (the ORT WASM file is tens of MB), answer on it.
        Task.detached(priority: .userInitiated) {
            let data = try? Data(contentsOf: file, options: .mappedIfSafe)
            await MainActor.run {
                guard !self.stopped.contains(id) else {
                    self.stopped.remove(id)
                    return
                }
                if let data {
                    self.respond(urlSchemeTask, url: url, status: 200, mimeType: mimeType, data: data)
                } else {
                    self.respond(urlSchemeTask, url: url, status: 404, mimeType: "text/plain", data: Data("Not found".utf8))
                }
            }
        }
    }

    func webView(_ webView: WKWebView, stop urlSchemeTask: any WKURLSchemeTask) {
        stopped.insert(ObjectIdentifier(urlSchemeTask))
    }

    private func respond(_ task: any WKURLSchemeTask, url: URL, status: Int, mimeType: String, data: Data) {
        let headers = [
            "Content-Type": mimeType,
            "Content-Length": String(data.count),
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            // No COOP/COEP (cross-origin isolation): require-corp would block the listings' images from
            // marketplace CDNs. ONNX Runtime Web then runs single-threaded WASM, which the widget asks for.
        ]
        guard let response = HTTPURLResponse(url: url, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers)
        else {
            task.didFailWithError(URLError(.cannotParseResponse))
            return
        }
        task.didReceive(response)
        task.didReceive(data)
        task.didFinish()
    }
}
