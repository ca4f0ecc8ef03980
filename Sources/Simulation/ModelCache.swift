import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Built model libraries on disk, one folder per content hash:
/// `<cache>/<hash>/{libmodel.so, manifest, src/}`.
///
/// The hash covers everything that shapes the library: the Verilog, the shim, the ABI header,
/// the Verilator version and the build flags. Builders never write into a live entry: each
/// builds in a private temporary folder and renames it into place (atomic on one file system),
/// under a per-entry lock so two processes don't build the same model twice. An entry whose
/// manifest or library does not match is treated as damaged and rebuilt. Beside the entries,
/// `runtime-<hash>/` keeps Verilator's compiled runtime for the models' builds (`VerilatorRuntime`).
public struct ModelCache: Sendable {
  public let directory: URL

  public init(directory: URL) { self.directory = directory }

  /// STRATA_CACHE when set, else `.build/strata-cache` in the enclosing Swift package, else a
  /// folder under the system's temporary directory.
  public static var `default`: ModelCache {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["STRATA_CACHE"], !path.isEmpty { return ModelCache(directory: URL(fileURLWithPath: path)) }
    if let root = PackageRoot.find() { return ModelCache(directory: root.appendingPathComponent(".build/strata-cache")) }
    return ModelCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("strata-cache"))
  }

  /// The content hash naming `source`'s entry.
  public static func key(for source: ModelSource) throws -> String {
    var hash = SHA256()
    hash.updateField("strata-model-abi \(ModelABI.version)")
    hash.updateField(try VerilatorBuild.version.get())
    for flag in VerilatorBuild.flags(for: source.traceFormat, optimization: source.optimization) { hash.updateField(flag) }
    hash.updateField(source.top)
    for file in source.files {
      hash.updateField(file.name)
      hash.updateField(file.contents)
    }
    hash.updateField(ModelABI.header)
    hash.updateField(source.shim.text)
    return hash.finalize()
  }

  /// The library for `source`, building it first unless a sound entry exists.
  /// - Parameter rebuild: discard the existing entry (used when a library fails to load).
  public func library(for source: ModelSource, rebuild: Bool = false) throws -> URL {
    let key = try Self.key(for: source)
    let entry = directory.appendingPathComponent(key)
    if !rebuild, isSound(entry, key: key) { return entry.appendingPathComponent(VerilatorBuild.libraryName) }

    try createDirectory(directory)
    let lock = try Lock(path: directory.appendingPathComponent("\(key).lock").path)
    defer { lock.release() }
    // Another process may have finished the same entry while this one waited for the lock.
    if !rebuild, isSound(entry, key: key) { return entry.appendingPathComponent(VerilatorBuild.libraryName) }
    if FileManager.default.fileExists(atPath: entry.path) { try discard(entry) }

    let staging = directory.appendingPathComponent("building-\(key.prefix(16))-\(UUID().uuidString)")
    try createDirectory(staging)
    do {
      let log = BuildLog()
      // The runtime is compiled with OPT_GLOBAL, which every optimization keeps at -O2: one entry.
      let runtime = VerilatorRuntime(cache: directory, flags: VerilatorBuild.flags(for: source.traceFormat),
                                     verilatorVersion: try VerilatorBuild.version.get())
      try VerilatorBuild(source: source).run(in: staging, runtime: runtime)
      log.record(source, key: key)
      let size = try librarySize(in: staging)
      try Data(manifest(key: key, librarySize: size).utf8).write(to: staging.appendingPathComponent("manifest"))
      try FileManager.default.moveItem(at: staging, to: entry)
    } catch {
      try? FileManager.default.removeItem(at: staging)
      throw error
    }
    return entry.appendingPathComponent(VerilatorBuild.libraryName)
  }

  /// An entry is sound when its manifest names this key and the library has the recorded size
  /// (the manifest is written last, so a present manifest means a finished build).
  func isSound(_ entry: URL, key: String) -> Bool {
    guard let text = try? String(contentsOf: entry.appendingPathComponent("manifest"), encoding: .utf8),
          let size = try? librarySize(in: entry) else { return false }
    return text == manifest(key: key, librarySize: size)
  }

  private func manifest(key: String, librarySize: Int) -> String {
    "strata model\nkey \(key)\nlibrary-bytes \(librarySize)\n"
  }

  private func librarySize(in folder: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(VerilatorBuild.libraryName).path)
    return (attributes[.size] as? NSNumber)?.intValue ?? -1
  }

  /// Moves a damaged entry out of the way first, so no reader ever sees it half-deleted.
  private func discard(_ entry: URL) throws {
    let trash = directory.appendingPathComponent("damaged-\(UUID().uuidString)")
    try FileManager.default.moveItem(at: entry, to: trash)
    try? FileManager.default.removeItem(at: trash)
  }

  private func createDirectory(_ url: URL) throws {
    do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
      throw SimulationError.cacheUnusable(path: url.path, reason: error.localizedDescription)
    }
  }

  /// An exclusive advisory lock on a file (flock), held until `release`.
  private struct Lock {
    let descriptor: Int32

    init(path: String) throws {
      descriptor = open(path, O_CREAT | O_RDWR, 0o644)
      guard descriptor >= 0 else { throw SimulationError.cacheUnusable(path: path, reason: "cannot create the lock file") }
      while flock(descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else {
          close(descriptor)
          throw SimulationError.cacheUnusable(path: path, reason: "cannot lock it (errno \(errno))")
        }
      }
    }

    func release() {
      flock(descriptor, LOCK_UN)
      close(descriptor)
    }
  }
}

extension ModelCache {
  /// The Verilator flags a model library tracing in `format` is built with (benchmarks build
  /// native test benches with the same ones to compare like with like).
  public static func verilatorFlags(for format: TraceFormat = .fst) -> [String] { VerilatorBuild.flags(for: format) }
}
