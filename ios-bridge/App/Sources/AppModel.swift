import FindThisFitKit
import Foundation
import Observation

/// App-wide state shared by the SwiftUI views, the bridge and the App Intents (which run in the app's
/// process when they open the app).
@MainActor
@Observable
final class AppModel {
    static let shared = AppModel()

    /// A photo waiting to be searched by the widget (from an intent, or the share flow), served under
    /// app://bundle/photos/. The bridge sends it as search.image once the widget is ready.
    var pendingPhoto: PhotoRef?
    /// Set by the bridge when the widget asks for a photo; the views present the picker.
    var photoRequest: PhotoSource?
    /// A listing to show in in-app Safari.
    var safariURL: URL?
    var lastError: String?

    private var photoContinuation: CheckedContinuation<PhotoRef?, Never>?
    /// The bridge registers itself here, to send a pending photo as soon as one arrives.
    @ObservationIgnored var onPendingPhoto: (() -> Void)?

    /// Asks the views to show a picker and waits for the user; nil when they cancel.
    func pickPhoto(source: PhotoSource) async -> PhotoRef? {
        photoContinuation?.resume(returning: nil) // one picker at a time
        photoRequest = source
        return await withCheckedContinuation { photoContinuation = $0 }
    }

    /// Called by the picker views with the stored photo, or nil when cancelled.
    func finishPhotoPick(_ photo: PhotoRef?) {
        photoRequest = nil
        photoContinuation?.resume(returning: photo)
        photoContinuation = nil
    }

    /// Hands a photo to the widget (App Intent or picker outside the widget).
    func search(photo: PhotoRef) {
        pendingPhoto = photo
        onPendingPhoto?()
    }
}
