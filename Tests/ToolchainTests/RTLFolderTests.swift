import Foundation
import XCTest
import Toolchain

/// `strata generate` writes rtl/<board>/ whole and `--check` names every difference.
final class RTLFolderTests: XCTestCase {
  private var root: URL!

  override func setUpWithError() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("rtlfolder-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

  private var files: [(name: String, contents: String)] {
    [("a.v", "module a; endmodule\n"), ("top.v", "module top; a u(); endmodule\n")]
  }

  func testAFreshlyWrittenFolderIsCurrent() throws {
    let folder = RTLFolder(root.appendingPathComponent("devkit"))
    try folder.write(files)
    XCTAssertTrue(folder.staleness(against: files).isCurrent)
  }

  func testAMissingFolderReportsEveryFileMissing() {
    let folder = RTLFolder(root.appendingPathComponent("nothing"))
    XCTAssertEqual(folder.staleness(against: files).missing, ["a.v", "top.v"])
  }

  func testAnEditedFileIsReportedChanged() throws {
    let folder = RTLFolder(root.appendingPathComponent("devkit"))
    try folder.write(files)
    try Data("module a; wire hand_edit; endmodule\n".utf8).write(to: folder.directory.appendingPathComponent("a.v"))
    let staleness = folder.staleness(against: files)
    XCTAssertEqual(staleness.changed, ["a.v"])
    XCTAssertFalse(staleness.isCurrent)
    XCTAssertTrue(staleness.description.contains("changed: a.v"))
  }

  func testAVerilogFileNoLongerGeneratedIsReportedAndRemovedOnWrite() throws {
    let folder = RTLFolder(root.appendingPathComponent("devkit"))
    try folder.write(files + [("old.v", "module old; endmodule\n")])
    XCTAssertEqual(folder.staleness(against: files).extra, ["old.v"])
    try folder.write(files)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.directory.appendingPathComponent("old.v").path))
    XCTAssertTrue(folder.staleness(against: files).isCurrent)
  }

  func testFilesOtherThanVerilogSurviveARewrite() throws {
    let folder = RTLFolder(root.appendingPathComponent("devkit"))
    try folder.write(files)
    let notes = folder.directory.appendingPathComponent("constraints.xdc")
    try Data("# pins\n".utf8).write(to: notes)
    try folder.write(files)
    XCTAssertEqual(try String(contentsOf: notes, encoding: .utf8), "# pins\n")
  }

  func testWritingLeavesNoStagingFoldersBehind() throws {
    let folder = RTLFolder(root.appendingPathComponent("devkit"))
    try folder.write(files)
    try folder.write(files)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["devkit"])
  }
}
