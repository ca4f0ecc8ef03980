import Foundation
import HDL

/// The committed Verilog of one board (`rtl/<board>/`): written whole, or compared with what
/// the Swift sources generate now.
public struct RTLFolder {
  public let directory: URL

  public init(_ directory: URL) { self.directory = directory }

  /// What differs between the folder and `files`.
  public struct Staleness: Equatable, CustomStringConvertible {
    /// Files whose contents differ from what would be generated.
    public var changed: [String] = []
    /// Files that would be generated but are not in the folder.
    public var missing: [String] = []
    /// Verilog files in the folder that would no longer be generated.
    public var extra: [String] = []

    public var isCurrent: Bool { changed.isEmpty && missing.isEmpty && extra.isEmpty }

    public var description: String {
      var lines: [String] = []
      lines += changed.map { "  changed: \($0)" }
      lines += missing.map { "  missing: \($0)" }
      lines += extra.map { "  no longer generated: \($0)" }
      return lines.joined(separator: "\n")
    }
  }

  /// Compares the folder with the files that would be written.
  public func staleness(against files: [(name: String, contents: String)]) -> Staleness {
    var result = Staleness()
    let expected = Set(files.map(\.name))
    for file in files {
      let url = directory.appendingPathComponent(file.name)
      guard let data = FileManager.default.contents(atPath: url.path) else { result.missing.append(file.name); continue }
      if data != Data(file.contents.utf8) { result.changed.append(file.name) }
    }
    result.extra = existingVerilogFiles().filter { !expected.contains($0) }.sorted()
    return result
  }

  /// Replaces the folder's Verilog with `files`. Everything is written to a sibling folder
  /// first and moved into place at the end, so an interrupted run leaves the old folder whole.
  public func write(_ files: [(name: String, contents: String)]) throws {
    let fm = FileManager.default
    let parent = directory.deletingLastPathComponent()
    try fm.createDirectory(at: parent, withIntermediateDirectories: true)
    let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).staging-\(getpid())")
    try? fm.removeItem(at: staging)
    try fm.createDirectory(at: staging, withIntermediateDirectories: true)
    for file in files {
      try Data(file.contents.utf8).write(to: staging.appendingPathComponent(file.name))
    }
    // Files other than Verilog that someone keeps beside the RTL (notes, constraints) move along.
    if fm.fileExists(atPath: directory.path) {
      for name in try fm.contentsOfDirectory(atPath: directory.path) where !name.hasSuffix(".v") {
        try fm.copyItem(at: directory.appendingPathComponent(name), to: staging.appendingPathComponent(name))
      }
      let old = parent.appendingPathComponent(".\(directory.lastPathComponent).old-\(getpid())")
      try fm.moveItem(at: directory, to: old)
      try fm.moveItem(at: staging, to: directory)
      try fm.removeItem(at: old)
    } else {
      try fm.moveItem(at: staging, to: directory)
    }
  }

  private func existingVerilogFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".v") }
  }
}
