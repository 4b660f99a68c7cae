import FindThisFitKit
import Foundation
import UIKit

/// Photos for the widget, written as JPEG to a private temp folder and served by the scheme handler
/// as app://bundle/photos/<uuid>.jpg. Never sent over the bridge as bytes.
enum PhotoStore {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ftf-photos", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    enum Failure: Error, LocalizedError {
        case notAnImage
        var errorDescription: String? { "The file is not an image this app can read." }
    }

    /// Stores any image data UIKit can decode (HEIC, JPEG, PNG…) as JPEG; the server and the widget
    /// accept JPEG everywhere.
    static func store(_ data: Data) throws -> PhotoRef {
        try store(jpeg: jpeg(from: data))
    }

    /// Re-encodes any image UIKit decodes as JPEG (photos from the library are often HEIC, which the
    /// server does not take).
    static func jpeg(from data: Data) throws -> Data {
        guard let image = UIImage(data: data), let jpeg = image.jpegData(compressionQuality: 0.9) else {
            throw Failure.notAnImage
        }
        return jpeg
    }

    static func store(jpeg: Data) throws -> PhotoRef {
        let name = UUID().uuidString + ".jpg"
        try jpeg.write(to: directory.appendingPathComponent(name), options: [.atomic, .completeFileProtection])
        return PhotoRef(url: "app://bundle/photos/\(name)", mimeType: .jpeg)
    }

    /// Photos older than a day are removed at launch: they only live for one search.
    static func removeOld(olderThan age: TimeInterval = 86_400) {
        let files = (try? FileManager.default.contentsOfDirectory(
            at: directory, includingPropertiesForKeys: [.contentModificationDateKey]
        )) ?? []
        for file in files {
            let date = (try? file.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
            if let date, date.timeIntervalSinceNow < -age { try? FileManager.default.removeItem(at: file) }
        }
    }
}
