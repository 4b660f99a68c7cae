import AppIntents
import FindThisFitKit

/// For Shortcuts, without the app's UI: returns the listings most like a photo as `ListingEntity`
/// values, by calling the server's image search (`POST /v1/search/image`; the server embeds the photo).
struct SearchListingsIntent: AppIntent {
    static let title: LocalizedStringResource = "Search Listings by Photo"
    static let description: IntentDescription? = IntentDescription(
        "Returns the second-hand listings that look most like the photo, best first, without opening the app."
    )
    static let openAppWhenRun = false

    @Parameter(
        title: "Photo",
        supportedTypeIdentifiers: ["public.image"],
        inputConnectionBehavior: .connectToPreviousIntentResult
    )
    var photo: IntentFile

    @Parameter(title: "Number of Listings", default: 5, inclusiveRange: (1, 20))
    var count: Int

    static var parameterSummary: some ParameterSummary {
        Summary("Find \(\.$count) listings like \(\.$photo)")
    }

    func perform() async throws -> some IntentResult & ReturnsValue<[ListingEntity]> {
        let client = try ListingClient.make(k: count)
        let jpeg = try PhotoStore.jpeg(from: photo.data)
        let response = try await client.search(image: jpeg, mimeType: "image/jpeg")
        let listings = response.results.map(ListingEntity.init(hit:))
        ListingEntity.remember(listings)
        return .result(value: listings)
    }
}

enum ListingClient {
    static func make(k: Int = 10) throws -> ImageSearchClient {
        let settings = try AppSettings.fromBundle()
        return try ImageSearchClient(apiBase: settings.apiBase, apiKey: settings.apiKey, k: k)
    }
}
