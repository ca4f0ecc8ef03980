import Foundation

/// Verilator's runtime (`verilated.cpp`, the trace writer, the thread pool), compiled once per
/// set of build flags and linked into every model built with those flags.
///
/// The runtime does not depend on the design: Verilator's makefile compiles the same files with
/// the same flags for every model, which in a cold test run was most of the C++ compile time of
/// each small model (7.7 of the 9.4 compile CPU seconds of the benchmark's FIFO chain). The first model
/// built in a cache compiles it as usual and its objects are kept in `<cache>/runtime-<hash>/`;
/// later models skip those files (`VK_GLOBAL_OBJS=` to make) and link the kept objects instead.
/// The hash covers what shapes the objects: the Verilator version and the model flags, so the
/// trace format too. Entries are written like model entries: staged, then renamed into place,
/// with a manifest of object sizes written last.
struct VerilatorRuntime {
  let directory: URL

  init(cache: URL, flags: [String], verilatorVersion: String) {
    var hash = SHA256()
    hash.updateField("strata-verilator-runtime 1")
    hash.updateField(verilatorVersion)
    for flag in flags { hash.updateField(flag) }
    directory = cache.appendingPathComponent("runtime-\(hash.finalize())")
  }

  /// The kept objects, or nil when there is no sound entry yet.
  func objects() -> [URL]? {
    guard let manifest = try? String(contentsOf: directory.appendingPathComponent("manifest"), encoding: .utf8) else { return nil }
    var objects: [URL] = []
    for line in manifest.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count == 2, let size = Int(fields[1]) else { return nil }
      let object = directory.appendingPathComponent(String(fields[0]))
      guard Self.size(of: object) == size else { return nil }
      objects.append(object)
    }
    return objects.isEmpty ? nil : objects
  }

  /// Keeps the runtime objects of a finished build in `obj`, unless an entry exists already.
  /// Best effort: a model builds without the kept runtime, only more slowly.
  func keep(from obj: URL) {
    guard objects() == nil, let names = Self.runtimeObjectNames(in: obj), !names.isEmpty else { return }
    let parent = directory.deletingLastPathComponent()
    let staging = parent.appendingPathComponent("building-runtime-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
      var manifest = ""
      for name in names {
        try FileManager.default.copyItem(at: obj.appendingPathComponent(name), to: staging.appendingPathComponent(name))
        manifest += "\(name) \(Self.size(of: staging.appendingPathComponent(name)))\n"
      }
      try Data(manifest.utf8).write(to: staging.appendingPathComponent("manifest"))
      if FileManager.default.fileExists(atPath: directory.path) { try discard() }
      try FileManager.default.moveItem(at: staging, to: directory)  // fails harmlessly when another builder was first
    } catch {
      try? FileManager.default.removeItem(at: staging)
    }
  }

  /// Moves a damaged entry aside before deleting it, so no builder links half of it.
  func discard() throws {
    let trash = directory.deletingLastPathComponent().appendingPathComponent("damaged-\(UUID().uuidString)")
    try FileManager.default.moveItem(at: directory, to: trash)
    try? FileManager.default.removeItem(at: trash)
  }

  /// The runtime's object files as Verilator's generated `<prefix>_classes.mk` lists them
  /// (`VM_GLOBAL_FAST` and `VM_GLOBAL_SLOW`: `verilated`, `verilated_fst_c`, `verilated_threads`, ...).
  static func runtimeObjectNames(in obj: URL) -> [String]? {
    guard let text = try? String(contentsOf: obj.appendingPathComponent("\(ShimSource.modelClass)_classes.mk"), encoding: .utf8) else {
      return nil
    }
    var names: [String] = [], inList = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("VM_GLOBAL_FAST +=") || trimmed.hasPrefix("VM_GLOBAL_SLOW +=") { inList = true; continue }
      guard inList else { continue }
      let name = trimmed.hasSuffix("\\") ? trimmed.dropLast().trimmingCharacters(in: .whitespaces) : trimmed
      if !name.isEmpty { names.append(name + ".o") }
      if !trimmed.hasSuffix("\\") { inList = false }
    }
    return names
  }

  private static func size(of file: URL) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? NSNumber)?.intValue ?? -1
  }
}
