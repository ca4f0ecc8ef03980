import Foundation

/// Where Strata keeps build products and artefacts: the nearest folder at or above the current
/// directory holding a `Package.swift` (where `swift test` and the scripts run), if any.
enum PackageRoot {
  static func find() -> URL? {
    var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    while folder.path != "/" {
      if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
      folder.deleteLastPathComponent()
    }
    return nil
  }
}

/// The folder failing tests leave their waveforms in: `artifacts/waves` under the package root
/// (or the current directory).
public enum WaveFolder {
  public static var url: URL {
    let root = PackageRoot.find() ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    return root.appendingPathComponent("artifacts/waves")
  }
}
