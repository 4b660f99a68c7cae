import AppIntents
import FindThisFitKit
import Foundation

/// A second-hand listing, as Shortcuts sees it (the output of SearchListingsIntent).
struct ListingEntity: AppEntity {
    static let typeDisplayRepresentation: TypeDisplayRepresentation = "Listing"
    static let defaultQuery = ListingQuery()

    let id: String

    @Property(title: "Title")
    var title: String

    @Property(title: "Price")
    var price: String?

    @Property(title: "Brand")
    var brand: String?

    @Property(title: "Size")
    var size: String?

    @Property(title: "Marketplace")
    var marketplace: String

    @Property(title: "Link")
    var url: URL

    @Property(title: "App Link")
    var appURL: URL?

    @Property(title: "Image")
    var imageURL: URL?

    @Property(title: "Similarity")
    var similarity: Double?

    init(hit: SearchHit) {
        id = hit.id
        imageURL = URL(string: hit.imageUrl)
        title = hit.title
        price = hit.price.map(Self.format)
        brand = hit.brand
        size = hit.size
        marketplace = hit.source
        url = URL(string: hit.url) ?? URL(string: "about:blank")!
        appURL = hit.appUrl.flatMap(URL.init(string:))
        similarity = hit.score
    }

    var displayRepresentation: DisplayRepresentation {
        let details = [price, size, brand].compactMap { $0 }.joined(separator: " · ")
        // DisplayRepresentation.Image(url:) takes local files only; the listing photo is remote.
        return DisplayRepresentation(
            title: "\(title)",
            subtitle: "\(details)",
            image: DisplayRepresentation.Image(systemName: "tshirt")
        )
    }

    /// Minor units → a localized price, e.g. 4500 GBP → £45.00.
    static func format(_ money: Money) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .currency
        formatter.currencyCode = money.currency
        // The currency's minor-unit digits: 2 for EUR, 0 for JPY, 3 for KWD.
        let amount = Decimal(money.amount) / pow(Decimal(10), formatter.maximumFractionDigits)
        return formatter.string(from: amount as NSDecimalNumber) ?? "\(amount) \(money.currency)"

    }

    // Shortcuts asks the query for entities by id later (e.g. passing a result to the next action):
    // answer from the last results first, then from the server.
    @MainActor private static var recent: [String: ListingEntity] = [:]

    static func remember(_ listings: [ListingEntity]) {
        Task { @MainActor in
            recent = Dictionary(listings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    @MainActor static func cached(_ id: String) -> ListingEntity? { recent[id] }
}

struct ListingQuery: EntityQuery {
    func entities(for identifiers: [ListingEntity.ID]) async throws -> [ListingEntity] {
        let client = try ListingClient.make()
        var found: [ListingEntity] = []
        for id in identifiers {
            if let cached = await ListingEntity.cached(id) {
                found.append(cached)
            } else if let hit = try? await client.listing(id: id) {
                found.append(ListingEntity(hit: hit))
            }
        }
        return found
    }
}
