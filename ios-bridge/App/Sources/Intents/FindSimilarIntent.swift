import AppIntents
import FindThisFitKit

/// "Find this fit": a photo in (Shortcuts, Siri, the share sheet via a shortcut), the app opens on the
/// widget's results for it.
struct FindSimilarIntent: AppIntent {
    static let title: LocalizedStringResource = "Find Similar Listings"
    static let description: IntentDescription? = IntentDescription(
        "Opens Find This Fit on second-hand listings that look like the photo."
    )
    /// The photo is searched by the widget in the app, so the app comes to the foreground.
    static let openAppWhenRun = true

    @Parameter(
        title: "Photo",
        description: "A photo of the outfit or item.",
        supportedTypeIdentifiers: ["public.image"],
        inputConnectionBehavior: .connectToPreviousIntentResult
    )
    var photo: IntentFile

    @MainActor
    func perform() async throws -> some IntentResult {
        // Stored as JPEG under app://bundle/photos/; the bridge sends search.image when the widget is ready.
        let ref = try PhotoStore.store(photo.data)
        AppModel.shared.search(photo: ref)
        return .result()
    }
}
