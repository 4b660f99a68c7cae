import PhotosUI
import SwiftUI
import UniformTypeIdentifiers

/// The system photo picker (PHPickerViewController, the UIKit face of PhotosPicker): no photo-library
/// permission needed, one image, and a delegate call that says plainly whether the user cancelled.
struct LibraryPicker: UIViewControllerRepresentable {
    /// Image data (any format UIKit decodes), or nil when cancelled or unreadable.
    let onFinish: (Data?) -> Void

    func makeCoordinator() -> Coordinator { Coordinator(onFinish: onFinish) }

    func makeUIViewController(context: Context) -> PHPickerViewController {
        var configuration = PHPickerConfiguration()
        configuration.filter = .images
        configuration.selectionLimit = 1
        let picker = PHPickerViewController(configuration: configuration)
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ picker: PHPickerViewController, context: Context) {}

    final class Coordinator: NSObject, PHPickerViewControllerDelegate {
        let onFinish: (Data?) -> Void
        init(onFinish: @escaping (Data?) -> Void) { self.onFinish = onFinish }

        func picker(_ picker: PHPickerViewController, didFinishPicking results: [PHPickerResult]) {
            guard let provider = results.first?.itemProvider,
                  provider.hasItemConformingToTypeIdentifier(UTType.image.identifier)
            else {
                onFinish(nil)
                return
            }
            let onFinish = onFinish
            provider.loadDataRepresentation(forTypeIdentifier: UTType.image.identifier) { data, _ in
                DispatchQueue.main.async { onFinish(data) }
            }
        }
    }
}
