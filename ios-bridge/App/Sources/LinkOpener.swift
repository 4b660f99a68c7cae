import FindThisFitKit
import UIKit

/// Opens a listing the way shoppers expect: in the marketplace's app when it is installed (universal
/// link, then its custom scheme such as depop://, which must be listed in LSApplicationQueriesSchemes),
/// else in in-app Safari.
@MainActor
struct LinkOpener {
    let model: AppModel

    func open(url: String, appURL: String?) async -> OpenedWith {
        guard let web = URL(string: url), ["http", "https"].contains(web.scheme?.lowercased() ?? "") else {
            return .safari // the protocol guarantees http(s); nothing else is opened
        }
        // 1. Universal link: succeeds only if an installed app claims this URL.
        if await UIApplication.shared.open(web, options: [.universalLinksOnly: true]) {
            return .universalLink
        }
        // 2. The app's own scheme, if it is installed (canOpenURL needs LSApplicationQueriesSchemes).
        if let appURL, let deepLink = URL(string: appURL), UIApplication.shared.canOpenURL(deepLink),
           await UIApplication.shared.open(deepLink)
        {
            return .app
        }
        // 3. In-app Safari (the view layer presents SFSafariViewController).
        model.safariURL = web
        return .safari
    }
}
