import Foundation
import HDL

/// A design's Verilog written into a folder, one file per module, for external tools.
public struct VerilogFiles {
  public let directory: URL
  /// The files, children first, as tools want them.
  public let files: [URL]
  public let top: String

  /// Writes `design` into `directory` (created if needed).
  public init(_ design: Design, in directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var files: [URL] = []
    for file in design.verilogFiles() {
      let url = directory.appendingPathComponent(file.name)
      try Data(file.contents.utf8).write(to: url)
      files.append(url)
    }
    self.init(directory: directory, files: files, top: design.top)
  }

  /// Files already on disk (for example the committed `rtl/<board>` folder).
  public init(directory: URL, files: [URL], top: String) {
    self.directory = directory
    self.files = files
    self.top = top
  }

  /// A fresh temporary folder for one use.
  public static func temporaryDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("strata-\(label)-\(UUID().uuidString)")
  }
}
