import Foundation
import XCTest

import Board

/// How a refusal reads, and what `load` does with files it cannot read.
final class BoardErrorTests: XCTestCase {
  func testAnErrorReadsLikeACompilerDiagnostic() {
    let error = BoardError(file: "boards/x.yaml", line: 3, column: 7, message: "nodes: expected an integer")
    XCTAssertEqual(error.description, "boards/x.yaml:3:7: error: nodes: expected an integer")
  }

  func testSeveralErrorsPrintOnePerLineFirstToLast() {
    let second = BoardError(file: "b.yaml", line: 9, column: 1, message: "second")
    let error = BoardError(file: "b.yaml", line: 2, column: 5, message: "first", additionalErrors: [second])
    XCTAssertEqual(error.description, "b.yaml:2:5: error: first\nb.yaml:9:1: error: second")
    XCTAssertEqual(error.allErrors, [BoardError(file: "b.yaml", line: 2, column: 5, message: "first"), second])
  }

  func testTheLocalizedDescriptionIsTheDiagnostic() {
    let error: Error = BoardError(file: "x.yaml", line: 1, column: 2, message: "m")
    XCTAssertEqual(error.localizedDescription, "x.yaml:1:2: error: m")
  }

  func testAFileThatCannotBeReadIsReportedWithoutALine() {
    let path = "/nonexistent/strata/board.yaml"
    let error = boardError { try Board.load(path: path) }
    XCTAssertEqual(error?.line, 0)
    XCTAssertEqual(
      error?.description,
      "\(path): error: cannot read the board file: no such file; board files live in boards/, e.g. boards/devkit.yaml")
  }

  func testADirectoryIsNotABoardFile() {
    let error = boardError { try Board.load(path: packageRoot.appendingPathComponent("boards").path) }
    XCTAssertEqual(error?.message, "cannot read the board file: it is a directory, expected a .yaml file")
  }

  func testAFileThatIsNotUTF8IsRefused() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-latin1-\(UUID().uuidString).yaml")
    try Data([0x62, 0x6F, 0x61, 0x72, 0x64, 0x3A, 0x20, 0xE9, 0x0A]).write(to: path)
    defer { try? FileManager.default.removeItem(at: path) }
    XCTAssertEqual(boardError { try Board.load(path: path.path) }?.message, "the board file is not UTF-8 text")
  }

  func testErrorsNameTheFileAsTheCallerGaveIt() {
    let error = boardError { try Board.parse(yaml: "board: devkit\n", file: "relative/name.yaml") }
    XCTAssertEqual(error?.file, "relative/name.yaml")
  }
}
