import Foundation
import XCTest

/// The `strata` command as a user runs it: the built executable, its exit status and its words.
final class CommandLineTests: XCTestCase {
  /// The package root (this file is Tests/StrataTests/CommandLineTests.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `strata`, built beside the test bundle by `swift test`.
  static var executable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("strata")
  }

  private func strata(_ arguments: [String], in directory: URL = root) throws -> (status: Int32, output: String) {
    try StrataExecutable.run(arguments, in: directory)
  }

  private func temporaryProject() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: Self.root.appendingPathComponent("boards"), to: dir.appendingPathComponent("boards"))
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
  }

  override func setUpWithError() throws {
    try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                      "strata was not built beside the tests (run `swift build` first)")
  }

  func testTheCommittedRTLIsWhatTheSourcesGenerate() throws {
    for board in ["devkit", "cluster4"] {
      let run = try strata(["generate", "--check", "--board", "boards/\(board).yaml"])
      XCTAssertEqual(run.status, 0, run.output)
      XCTAssertTrue(run.output.contains("current"), run.output)
    }
  }

  func testGenerateWritesBesideTheBoardsFolderAndCheckThenPasses() throws {
    let project = try temporaryProject()
    let write = try strata(["generate"], in: project)
    XCTAssertEqual(write.status, 0, write.output)
    XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("rtl/devkit/board_devkit.v").path))
    XCTAssertEqual(try strata(["generate", "--check"], in: project).status, 0)
  }

  func testCheckNamesAHandEditedFileAndFails() throws {
    let project = try temporaryProject()
    XCTAssertEqual(try strata(["generate"], in: project).status, 0)
    let top = project.appendingPathComponent("rtl/devkit/board_devkit.v")
    try Data(("// hand edit\n" + (try String(contentsOf: top, encoding: .utf8))).utf8).write(to: top)
    let check = try strata(["generate", "--check"], in: project)
    XCTAssertNotEqual(check.status, 0)
    XCTAssertTrue(check.output.contains("changed: board_devkit.v"), check.output)
    XCTAssertTrue(check.output.contains("run `strata generate"), check.output)
  }

  func testLintRunsAllThreeToolsAndPassesOnTheDefaultBoard() throws {
    let run = try strata(["lint"])
    XCTAssertEqual(run.status, 0, run.output)
    for tool in ["verilator: clean", "iverilog: clean", "yosys: clean"] { XCTAssertTrue(run.output.contains(tool), run.output) }
  }

  func testABadBoardFileStopsEveryCommandWithItsLocation() throws {
    let project = try temporaryProject()
    let bad = project.appendingPathComponent("boards/bad.yaml")
    let text = try String(contentsOf: project.appendingPathComponent("boards/devkit.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "datapath_bits: 128", with: "datapath_bits: 96")
    try Data(text.utf8).write(to: bad)
    let line = text.components(separatedBy: "\n").firstIndex { $0.hasPrefix("datapath_bits") }! + 1
    for command in [["generate"], ["lint"], ["regs"], ["boards"]] {
      let run = try strata(command + (command == ["boards"] ? ["boards/bad.yaml"] : ["--board", "boards/bad.yaml"]), in: project)
      XCTAssertNotEqual(run.status, 0, "\(command): \(run.output)")
      XCTAssertTrue(run.output.contains("boards/bad.yaml:\(line):16"), "\(command): \(run.output)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: project.appendingPathComponent("rtl/bad").path), "nothing half-written")
    }
  }

  func testRegsPrintsEachFormat() throws {
    let md = try strata(["regs", "--format", "md"])
    XCTAssertEqual(md.status, 0, md.output)
    XCTAssertTrue(md.output.contains("INTERRUPT_STATUS"), md.output)
    // The devkit's tier controller: mmio_base 0x1000_0000 + 0x8000; its map covers tiers.mapped_size
    // 256 MiB in 4 KiB pages: 65,536 pages.
    XCTAssertTrue(md.output.contains("# tier_control") && md.output.contains("Base address `0x10008000`"), md.output)
    XCTAssertTrue(md.output.contains("| 31:0 | VALUE | RO | 0x10000 | — | Pages in the unified address space. |"), md.output)
    let swift = try strata(["regs", "--format", "swift"])
    XCTAssertTrue(swift.output.contains("struct"), swift.output)
    let rdl = try strata(["regs", "--format", "systemrdl"])
    XCTAssertTrue(rdl.output.contains("addrmap"), rdl.output)
  }

  func testEnumeratePrintsTheDeviceTreeAsJSON() throws {
    let run = try strata(["enumerate", "--topology", "firmware/topologies/two-switches.yaml", "--json", "--model", "swift"])
    XCTAssertEqual(run.status, 0, run.output)
    let tree = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
    let functions = tree?["functions"] as? [[String: Any]] ?? []
    XCTAssertEqual(functions.count, 13, run.output)
    let gpu = functions.first { $0["name"] as? String == "gpu" }
    XCTAssertEqual(gpu?["bdf"] as? String, "07:00.0")
    XCTAssertEqual(gpu?["parent"] as? String, "06:00.0")
    let broken = try strata(["enumerate", "--topology", "boards/devkit.yaml"])
    XCTAssertNotEqual(broken.status, 0)
    XCTAssertTrue(broken.output.contains("boards/devkit.yaml:"), broken.output)
    // On the RTL (the default) its root ports cannot be built: refused by line, before any Verilator build.
    let refused = try strata(["enumerate", "--topology", "firmware/topologies/two-switches.yaml"])
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.output.contains("firmware/topologies/two-switches.yaml:7:"), refused.output)
    XCTAssertTrue(refused.output.contains("--model swift"), refused.output)
  }

  func testEveryCommandExplainsItselfWithAnExample() throws {
    for command in ["generate", "lint", "regs", "flash", "waves", "boards", "firmware", "enumerate"] {
      let help = try strata([command, "--help"])
      XCTAssertEqual(help.status, 0)
      XCTAssertTrue(help.output.contains("Examples:"), "\(command) --help:\n\(help.output)")
      XCTAssertTrue(help.output.contains("strata \(command)"), "\(command) --help:\n\(help.output)")
    }
  }

  func testExportSystemCWritesABuildableFolderNamingEachNodesSocket() throws {
    let project = try temporaryProject()
    let run = try strata(["export", "systemc", "--board", "boards/cluster4.yaml", "--out", "sc"], in: project)
    XCTAssertEqual(run.status, 0, run.output)
    let folder = project.appendingPathComponent("sc")
    for file in ["Makefile", "sc_main.cpp", "strata_tlm.h", "board_cluster4_tlm.h", "rtl/board_cluster4.v"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
    }
    let wrapper = try String(contentsOf: folder.appendingPathComponent("board_cluster4_tlm.h"), encoding: .utf8)
    for node in 0..<4 {
      XCTAssertTrue(wrapper.contains("strata::MMIOTarget<uint32_t, uint32_t, uint32_t> mgmt\(node);"), wrapper)
      XCTAssertTrue(wrapper.contains("sc_core::sc_out<bool> irq\(node);"), wrapper)
    }
    let help = try strata(["export", "systemc", "--help"])
    XCTAssertTrue(help.output.contains("Examples:") && help.output.contains("strata export systemc"), help.output)
  }

  func testExportSystemCOfABadBoardWritesNothing() throws {
    let project = try temporaryProject()
    let bad = project.appendingPathComponent("boards/bad.yaml")
    let text = try String(contentsOf: project.appendingPathComponent("boards/devkit.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "nodes: 1 ", with: "nodes: 0 ")
    try Data(text.utf8).write(to: bad)
    let run = try strata(["export", "systemc", "--board", "boards/bad.yaml", "--out", "sc"], in: project)
    XCTAssertNotEqual(run.status, 0, run.output)
    XCTAssertTrue(run.output.contains("boards/bad.yaml:"), run.output)
    XCTAssertFalse(FileManager.default.fileExists(atPath: project.appendingPathComponent("sc").path), "nothing half-written")
  }
}
