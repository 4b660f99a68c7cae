import FindThisFitKit
import SwiftUI

/// The app's one screen: the widget, plus the native pieces it asks for (photo pickers, in-app Safari).
struct ContentView: View {
    @Environment(AppModel.self) private var model

    var body: some View {
        WidgetWebView(model: model)
            .ignoresSafeArea(edges: .bottom)
            .sheet(isPresented: presented(.library)) {
                LibraryPicker { data in finish(data) }
                    .ignoresSafeArea()
            }
            .fullScreenCover(isPresented: presented(.camera)) {
                CameraPicker { data in finish(data) }
                    .ignoresSafeArea()
            }
            .sheet(isPresented: Binding(
                get: { model.safariURL != nil },
                set: { if !$0 { model.safariURL = nil } }
            )) {
                if let url = model.safariURL { SafariView(url: url).ignoresSafeArea() }
            }
            .alert("Find This Fit", isPresented: Binding(
                get: { model.lastError != nil },
                set: { if !$0 { model.lastError = nil } }
            )) {
                Button("OK", role: .cancel) {}
            } message: {
                Text(model.lastError ?? "")
            }
            .task { PhotoStore.removeOld() }
    }

    /// Shown while the bridge waits for a photo from `source`; swiping the sheet away counts as cancel.
    private func presented(_ source: PhotoSource) -> Binding<Bool> {
        Binding(
            get: { model.photoRequest == source },
            set: { shown in if !shown, model.photoRequest == source { model.finishPhotoPick(nil) } }
        )
    }

    private func finish(_ data: Data?) {
        model.finishPhotoPick(data.flatMap { try? PhotoStore.store($0) })
    }
}
