// swift-tools-version:5.9
// The bridge protocol's Codable types (ios-bridge/protocol/bridge-protocol.schema.json) and the server's
// image-search client, as a pure Swift package: no UIKit, no WebKit, so `swift test` runs on a Mac.
import PackageDescription

let package = Package(
    name: "FindThisFitKit",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "FindThisFitKit", targets: ["FindThisFitKit"]),
    ],
    targets: [
        .target(name: "FindThisFitKit"),
        // The tests read the shared example messages straight from ../protocol/examples (located from
        // #filePath), so the JS and Swift tests decode the very same files with no copy to keep in sync.
        .testTarget(name: "FindThisFitKitTests", dependencies: ["FindThisFitKit"]),
    ]
)
