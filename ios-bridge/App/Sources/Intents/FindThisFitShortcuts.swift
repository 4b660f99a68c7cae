import AppIntents

/// Spoken phrases and Shortcuts app tiles. Every phrase names the app (`\(.applicationName)`), as
/// App Shortcuts require; the photo is asked for when the shortcut runs.
struct FindThisFitShortcuts: AppShortcutsProvider {
    static var appShortcuts: [AppShortcut] {
        AppShortcut(
            intent: FindSimilarIntent(),
            phrases: [
                "Find this fit with \(.applicationName)",
                "Find similar clothes in \(.applicationName)",
                "Search \(.applicationName) with a photo",
            ],
            shortTitle: "Find Similar",
            systemImageName: "tshirt"
        )
        AppShortcut(
            intent: SearchListingsIntent(),
            phrases: [
                "Get listings like this photo from \(.applicationName)",
            ],
            shortTitle: "Search Listings",
            systemImageName: "magnifyingglass"
        )
    }
}
