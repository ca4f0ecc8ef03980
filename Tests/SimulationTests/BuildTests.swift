import Foundation
import HDL
@testable import Simulation
import XCTest

/// Building models: errors from Verilator, the content-hash cache and its safety rules.
final class BuildTests: XCTestCase {
  private func freshCache() -> ModelCache {
    ModelCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("strata-cache-test-\(UUID().uuidString)"))
  }

  /// A design small enough that building it costs only the Verilator runtime.
  private let tiny = ModelSource(
    top: "tiny",
    files: [("tiny.v", "module tiny(input clk, input [3:0] d, output reg [3:0] q);\n  always @(posedge clk) q <= d;\nendmodule\n")],
    ports: [.init(name: "clk", width: 1, direction: .input), .init(name: "d", width: 4, direction: .input),
            .init(name: "q", width: 4, direction: .output)])

  func testVerilogThatVerilatorRejectsIsReportedWithFileAndLine() throws {
    let broken = ModelSource(
      top: "broken",
      files: [("broken.v", "module broken(input clk, output q);\n  assign q = clk\nendmodule\n")],
      ports: [.init(name: "clk", width: 1, direction: .input), .init(name: "q", width: 1, direction: .output)])
    XCTAssertThrowsError(try freshCache().library(for: broken)) { error in
      guard case .verilatorRejected(let top, let messages)? = error as? SimulationError else {
        return XCTFail("expected verilatorRejected, got \(error)")
      }
      XCTAssertEqual(top, "broken")
      XCTAssertTrue(messages.contains { $0.hasPrefix("broken.v:3:") }, "the missing semicolon surfaces at line 3: \(messages)")
    }
  }

  func testARejectedLineNamesTheSwiftLineThatGeneratedIt() {
    let source = ModelSource(top: "t", files: [("t.v", "module t;\n  assign x = y;  // Widgets.swift:42\nendmodule\n")], ports: [])
    let messages = VerilatorBuild(source: source).verilatorMessages(
      "%Error: /tmp/x/src/t.v:2:10: Can't find definition of variable: 'y'\n%Error: Exiting due to 1 error(s)\n",
      sources: URL(fileURLWithPath: "/tmp/x/src"))
    XCTAssertEqual(messages, ["t.v:2:10: Can't find definition of variable: 'y' (generated at Widgets.swift:42)"])
  }

  func testAMissingVerilatorNamesTheSetupScript() throws {
    let saved = ProcessInfo.processInfo.environment["PATH"] ?? ""
    setenv("PATH", "/nonexistent", 1)
    defer { setenv("PATH", saved, 1) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-nobuild-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    XCTAssertThrowsError(try VerilatorBuild(source: tiny).run(in: folder)) { error in
      XCTAssertEqual(error as? SimulationError, .verilatorMissing)
      XCTAssertTrue("\(error)".contains("scripts/setup"), "\(error)")
    }
  }

  func testTheKeyCoversTheVerilogAndThePorts() throws {
    let base = try ModelCache.key(for: tiny)
    XCTAssertEqual(base.count, 64)
    XCTAssertEqual(try ModelCache.key(for: tiny), base, "the same sources give the same key")
    let edited = ModelSource(top: "tiny", files: [("tiny.v", tiny.files[0].contents + "\n")], ports: tiny.ports)
    XCTAssertNotEqual(try ModelCache.key(for: edited), base, "a byte of Verilog changes the key")
    let renamed = ModelSource(top: "tiny", files: tiny.files, ports: Array(tiny.ports.dropLast()))
    XCTAssertNotEqual(try ModelCache.key(for: renamed), base, "the shim (made from the ports) is part of the key")
    let vcd = ModelSource(top: "tiny", files: tiny.files, ports: tiny.ports, traceFormat: .vcd)
    XCTAssertNotEqual(try ModelCache.key(for: vcd), base, "the trace format (Verilator --trace or --trace-fst) is part of the key")
    var quick = tiny
    quick.optimization = .buildTime
    XCTAssertNotEqual(try ModelCache.key(for: quick), base, "the optimization is part of the key")
  }

  /// `.buildTime` compiles the model's per-cycle code (OPT_FAST) at -O0 and leaves the runtime
  /// (OPT_GLOBAL) at -O2 (verilated.mk compiles the runtime with OPT_GLOBAL only), so both
  /// kinds of model link the one kept runtime; the default stays at -O2 for both.
  func testABuildForBuildTimeLowersOnlyTheModelsOptimization() {
    func makeFlags(_ optimization: BuildOptimization) -> String? {
      let flags = VerilatorBuild.flags(for: .fst, optimization: optimization)
      return flags.firstIndex(of: "-MAKEFLAGS").map { flags[$0 + 1] }
    }
    XCTAssertEqual(makeFlags(.simulationSpeed), "OPT_FAST=-O2 OPT_GLOBAL=-O2")
    XCTAssertEqual(makeFlags(.buildTime), "OPT_FAST=-O0 OPT_GLOBAL=-O2")
    XCTAssertEqual(VerilatorBuild.flags(for: .fst), VerilatorBuild.flags(for: .fst, optimization: .simulationSpeed))
  }

  /// Two builders of one model at once (threads here; the lock is a file lock, so processes
  /// behave alike) produce one sound entry; a damaged entry is rebuilt rather than loaded. The
  /// same holds for the Verilator runtime kept beside the entries (`VerilatorRuntime`): the first
  /// build compiles it, later builds link it, and kept objects that do not link are compiled again.
  func testConcurrentBuildersShareOneEntryAndDamagedEntriesAreRebuilt() throws {
    let cache = freshCache()
    defer { try? FileManager.default.removeItem(at: cache.directory) }
    let runtime = VerilatorRuntime(cache: cache.directory, flags: VerilatorBuild.flags(for: .fst),
                                   verilatorVersion: try VerilatorBuild.version.get())
    // A damaged runtime whose manifest matches: only linking it can tell.
    try FileManager.default.createDirectory(at: runtime.directory, withIntermediateDirectories: true)
    try Data(count: 1000).write(to: runtime.directory.appendingPathComponent("verilated.o"))
    try Data("verilated.o 1000\n".utf8).write(to: runtime.directory.appendingPathComponent("manifest"))
    XCTAssertEqual(runtime.objects()?.count, 1)

    let source = tiny
    let results = UnsafeMutableBufferPointer<Result<URL, Error>?>.allocate(capacity: 2)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    DispatchQueue.concurrentPerform(iterations: 2) { i in results[i] = Result { try cache.library(for: source) } }
    let first = try results[0]!.get(), second = try results[1]!.get()
    XCTAssertEqual(first, second)
    let key = try ModelCache.key(for: source)
    XCTAssertTrue(cache.isSound(first.deletingLastPathComponent(), key: key))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path).filter { $0.hasPrefix("building-") }
    XCTAssertEqual(leftovers, [], "no staging folder survives a build")
    let objects = try XCTUnwrap(runtime.objects(), "the build keeps the runtime it compiled")
    // Verilator 5.006's runtime with FST tracing (VM_GLOBAL_FAST in its generated Vmodel_classes.mk).
    XCTAssertEqual(objects.map(\.lastPathComponent).sorted(), ["verilated.o", "verilated_fst_c.o", "verilated_threads.o"])
    let compiled = try objects.map { try Data(contentsOf: $0) }
    XCTAssertNotEqual(compiled[0], Data(count: 1000))

    // Truncate the library as a crash mid-copy would; the manifest no longer matches it.
    try Data("not a library".utf8).write(to: first)
    XCTAssertFalse(cache.isSound(first.deletingLastPathComponent(), key: key))
    let rebuilt = try cache.library(for: source)
    XCTAssertEqual(rebuilt, first)
    XCTAssertTrue(cache.isSound(rebuilt.deletingLastPathComponent(), key: key))
    XCTAssertEqual(try runtime.objects().map { try $0.map { try Data(contentsOf: $0) } }, compiled, "the rebuild links the kept runtime")
    let model = try Model(try CompiledModel.load(source, cache: cache), reset: nil)
    try model.input("d").set(9)
    model.step()
    XCTAssertEqual(try model.output("q").uint64, 9)
  }

  func testACachedModelLoadsInWellUnderASecond() throws {
    let design = try Design(top: accumulator)
    _ = try ModelCache.default.library(for: ModelSource(design))  // built (or found) beforehand
    let start = Date()
    let url = try ModelCache.default.library(for: ModelSource(design))
    XCTAssertTrue(FileManager.default.fileExists(atPath: url.path))
    XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, "finding a cached entry")
  }

  func testTheEmbeddedHeaderIsTheCVerilatorHeader() throws {
    let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/CVerilator/include/strata_model.h")
    XCTAssertEqual(try String(contentsOf: header, encoding: .utf8), ModelABI.header,
                   "Sources/Simulation/ModelABI.swift must hold the header's exact text")
  }

  /// FIPS 180-2, appendix B: the one-block, empty and two-block examples.
  func testSHA256MatchesThePublishedExamples() {
    func digest(_ text: String) -> String { var h = SHA256(); h.update(text); return h.finalize() }
    XCTAssertEqual(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }
}
