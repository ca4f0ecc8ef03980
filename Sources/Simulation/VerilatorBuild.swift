import Foundation
import Toolchain

/// Runs Verilator and the C++ compiler on a model's sources, producing `libmodel.so` in a folder.
struct VerilatorBuild {
  static let libraryName = "libmodel.so"

  /// The flags a model is built with; part of the cache key (in this order, so the keys of
  /// models built at `-O2` are what they were before `optimization` existed).
  static func flags(for format: TraceFormat, optimization: BuildOptimization = .simulationSpeed) -> [String] {
    format.verilatorFlags + [
      "--cc", "--exe", "--build", "-j", "2", "--prefix", ShimSource.modelClass, "-Mdir", "obj",
      "-Wno-fatal", "-CFLAGS", "-fPIC", "-LDFLAGS", "-shared",
      // Verilator's default OPT_FAST (-Os) halves throughput on the hot path.
      "-MAKEFLAGS", optimization.makeFlags,
      // A shared library's global functions may be interposed, so g++ neither inlines them nor
      // calls them directly: the model's small per-eval functions (triggers, ico/nba sequents)
      // stay separate calls through the PLT, a quarter slower than the same code linked into an
      // executable. Binding them inside the library gives the native bench's code back.
      "-CFLAGS", "-fno-semantic-interposition", "-LDFLAGS", "-Wl,-Bsymbolic",
      "-o", libraryName,
    ]
  }

  /// `verilator --version`, read once per process; part of the cache key.
  static let version: Result<String, SimulationError> = {
    guard let path = try? ExternalTool.verilator.locate() else { return .failure(.verilatorMissing) }
    guard let result = try? Toolchain.run(path, ["--version"]), result.status == 0 else { return .failure(.verilatorMissing) }
    return .success(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
  }()

  let source: ModelSource

  /// Writes the sources into `directory` and builds; the library ends up at `directory/libmodel.so`.
  /// - Parameter runtime: where Verilator's compiled runtime is kept between builds (see
  ///   `VerilatorRuntime`); nil compiles it into this model only.
  func run(in directory: URL, runtime: VerilatorRuntime? = nil) throws {
    let verilator: String
    do { verilator = try ExternalTool.verilator.locate() } catch { throw SimulationError.verilatorMissing }
    let sources = directory.appendingPathComponent("src")
    try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
    var verilogPaths: [String] = []
    for file in source.files {
      let url = sources.appendingPathComponent(file.name)
      try Data(file.contents.utf8).write(to: url)
      verilogPaths.append(url.path)
    }
    try Data(ModelABI.header.utf8).write(to: sources.appendingPathComponent("strata_model.h"))
    let shim = sources.appendingPathComponent("shim.cpp")
    try Data(source.shim.text.utf8).write(to: shim)

    let arguments = Self.flags(for: source.traceFormat, optimization: source.optimization) + ["--top-module", source.top, "-CFLAGS", "-I\(sources.path)"] + verilogPaths + [shim.path]
    let obj = directory.appendingPathComponent("obj")
    let library = obj.appendingPathComponent(Self.libraryName)
    var kept = runtime?.objects()
    var result = try Toolchain.run(verilator, arguments + Self.linking(kept), in: directory)
    let verilated = FileManager.default.fileExists(atPath: obj.appendingPathComponent("\(ShimSource.modelClass)_classes.mk").path)
    if kept != nil, verilated, result.status != 0 || !FileManager.default.fileExists(atPath: library.path) {
      // Verilator accepted the design but the C++ build failed: the kept runtime may not link
      // (damaged, or left by another compiler), so build once more with the runtime compiled afresh.
      try? runtime?.discard()
      try? FileManager.default.removeItem(at: obj)
      kept = nil
      result = try Toolchain.run(verilator, arguments, in: directory)
    }
    guard result.status == 0, FileManager.default.fileExists(atPath: library.path) else {
      let rejected = verilatorMessages(result.output, sources: sources)
      if !rejected.isEmpty { throw SimulationError.verilatorRejected(top: source.top, messages: rejected) }
      throw SimulationError.buildFailed(top: source.top, log: String(result.output.suffix(4000)))
    }
    if kept == nil { runtime?.keep(from: obj) }
    try FileManager.default.moveItem(at: library, to: directory.appendingPathComponent(Self.libraryName))
    try? FileManager.default.removeItem(at: obj)
  }

  /// Arguments that make Verilator's makefile link `objects` instead of compiling its runtime.
  static func linking(_ objects: [URL]?) -> [String] {
    guard let objects else { return [] }
    // The libraries the runtime needs follow it on the link line (`-lz` for the FST writer);
    // Verilator's own `-lz` comes before these objects and the linker drops it as unneeded.
    return ["-MAKEFLAGS", "VK_GLOBAL_OBJS="] + objects.flatMap { ["-LDFLAGS", $0.path] } + ["-LDFLAGS", "-lz"]
  }

  /// Verilator's `%Error` lines with paths made relative to the sources and, where the emitter
  /// left a `// File.swift:line` comment on the offending Verilog line, that Swift line appended.
  func verilatorMessages(_ output: String, sources: URL) -> [String] {
    let prefix = sources.path + "/"
    return output.split(separator: "\n").filter { $0.hasPrefix("%Error") && !$0.hasPrefix("%Error: Exiting") }.map { line in
      var message = String(line).replacingOccurrences(of: prefix, with: "")
      if message.hasPrefix("%Error: ") { message.removeFirst("%Error: ".count) }
      if let origin = swiftOrigin(of: message) { message += " (generated at \(origin))" }
      return message
    }
  }

  /// For a message starting `file.v:line:`, the Swift location noted on that line of the Verilog.
  private func swiftOrigin(of message: String) -> String? {
    let fields = message.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard fields.count >= 2, let line = Int(fields[1]),
          let file = source.files.first(where: { $0.name == fields[0] }) else { return nil }
    let lines = file.contents.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count, let comment = lines[line - 1].range(of: "// ") else { return nil }
    let note = lines[line - 1][comment.upperBound...].trimmingCharacters(in: .whitespaces)
    return note.contains(".swift:") ? note : nil
  }
}
