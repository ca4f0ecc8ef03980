import Foundation
import Simulation
import Toolchain

extension SystemCExport {
  /// Writes the folder into `directory` (created if needed; files of the export replaced,
  /// nothing else touched).
  public func write(to directory: URL) throws {
    for file in files {
      let url = directory.appendingPathComponent(file.path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(file.contents.utf8).write(to: url)
    }
  }

  /// The content hash of the folder and the tools that build it.
  public var contentHash: String {
    var hash = SHA256()
    hash.updateField("strata-systemc-export 1")
    hash.updateField(SystemCToolchain.versions)
    for file in files {
      hash.updateField(file.path)
      hash.updateField(file.contents)
    }
    return hash.finalize()
  }

  /// Builds the folder with `make` under `<cache>/systemc-<hash>` unless that entry exists, and
  /// returns the sample's executable. Builders stage in a private folder and rename it into place,
  /// so a concurrent reader never sees half a build.
  /// - Parameter makeVariables: `NAME=value` arguments for `make`, part of the cache key. Make
  ///   hands them down to the makefile Verilator runs, so `["OPT_FAST=-O0", "OPT_GLOBAL=-O0"]`
  ///   compiles the model unoptimised (Verilator's default is -Os).
  public func build(cache: ModelCache = .default, makeVariables: [String] = []) throws -> URL {
    try SystemCToolchain.require()
    var key = contentHash
    if !makeVariables.isEmpty {
      var hash = SHA256()
      hash.updateField(key)
      for variable in makeVariables { hash.updateField(variable) }
      key = hash.finalize()
    }
    let entry = cache.directory.appendingPathComponent("systemc-\(key)")
    let executable = entry.appendingPathComponent("obj_dir/bringup")
    if FileManager.default.isExecutableFile(atPath: executable.path) { return executable }
    let staging = cache.directory.appendingPathComponent("building-systemc-\(UUID().uuidString)")
    try write(to: staging)
    // The Makefile runs the compiler 2-wide itself (JOBS=2); an outer -j would only fight its jobserver.
    let result = try Toolchain.run("/usr/bin/env", ["make"] + makeVariables, in: staging)
    // A failed build stays where it is, so the message's folder can be opened and rebuilt by hand.
    guard result.status == 0 else { throw SystemCExportError.buildFailed(directory: staging.path, output: result.output) }
    do { try FileManager.default.moveItem(at: staging, to: entry) } catch {
      // Another builder finished the same entry first; theirs is as good.
      try? FileManager.default.removeItem(at: staging)
      guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw error }
    }
    return executable
  }

  /// Builds (or finds) the sample and runs it; its standard output, as lines.
  public func runSample(cache: ModelCache = .default, makeVariables: [String] = []) throws -> [String] {
    let executable = try build(cache: cache, makeVariables: makeVariables)
    let result = try Toolchain.run(executable.path, [])
    guard result.status == 0 else { throw SystemCExportError.runFailed(executable: executable.path, status: result.status, output: result.output) }
    return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
  }
}

/// The tools an export needs: Verilator and SystemC's headers and library.
public enum SystemCToolchain {
  /// Where Debian's libsystemc-dev puts the main header.
  public static let header = "/usr/include/systemc.h"

  /// Whether SystemC's development files are installed.
  public static var isInstalled: Bool { FileManager.default.fileExists(atPath: header) }

  /// Fails with the fix when Verilator or SystemC is missing.
  public static func require() throws {
    guard (try? ExternalTool.verilator.locate()) != nil else {
      throw SystemCExportError.toolMissing(tool: "verilator", fix: "run scripts/setup (or apt-get install verilator)")
    }
    guard isInstalled else {
      throw SystemCExportError.toolMissing(tool: "SystemC (\(header))", fix: "run scripts/setup (or apt-get install libsystemc-dev)")
    }
  }

  /// Verilator's version and the SystemC header's size: a change of either rebuilds.
  static let versions: String = {
    let verilator = (try? ExternalTool.verilator.locate()).flatMap { try? Toolchain.run($0, ["--version"]).output } ?? "no verilator"
    let size = (try? FileManager.default.attributesOfItem(atPath: "/usr/include/sysc/kernel/sc_ver.h")[.size] as? NSNumber)?.intValue ?? -1
    return "\(verilator.trimmingCharacters(in: .whitespacesAndNewlines)) systemc sc_ver.h \(size)"
  }()
}
