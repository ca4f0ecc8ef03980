import Foundation
import XCTest

@testable import Board

/// The package root, found from this file's place in it, so tests can read `boards/`.
let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedBoardPath(_ name: String) -> String {
  packageRoot.appendingPathComponent("boards/\(name).yaml").path
}

/// The path of a hand-made malformed board in `Tests/BoardTests/Malformed`.
func malformedBoardPath(_ name: String) throws -> String {
  let folder = try XCTUnwrap(Bundle.module.url(forResource: "Malformed", withExtension: nil))
  return folder.appendingPathComponent("\(name).yaml").path
}

/// The error `body` throws, failing the test when it returns instead.
func boardError(
  _ body: () throws -> Board, file: StaticString = #filePath, line: UInt = #line
) -> BoardError? {
  do {
    let board = try body()
    XCTFail("expected a BoardError, got board '\(board.name)'", file: file, line: line)
    return nil
  } catch let error as BoardError {
    return error
  } catch {
    XCTFail("expected a BoardError, got \(error)", file: file, line: line)
    return nil
  }
}

/// Asserts that loading the malformed board `name` is refused with exactly `expected`,
/// each written as "line:column: error: message" after the file's path.
func assertRefused(
  _ name: String, with expected: String..., file: StaticString = #filePath, line: UInt = #line
) throws {
  let path = try malformedBoardPath(name)
  guard let error = boardError({ try Board.load(path: path) }, file: file, line: line) else { return }
  XCTAssertEqual(error.file, path, file: file, line: line)
  XCTAssertEqual(
    error.allErrors.map(\.description), expected.map { "\(path):\($0)" }, file: file, line: line)
}

/// The shipped devkit board's text with `original` replaced by `replacement` (which must occur).
func devkitText(replacing original: String, with replacement: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
  let text = try String(contentsOfFile: shippedBoardPath("devkit"), encoding: .utf8)
  XCTAssertTrue(text.contains(original), "devkit.yaml has no '\(original)'", file: file, line: line)
  return text.replacingOccurrences(of: original, with: replacement)
}

/// The messages (without locations) of the errors parsing `yaml` throws.
func errorMessages(parsing yaml: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
  boardError({ try Board.parse(yaml: yaml, file: "test.yaml") }, file: file, line: line)?.allErrors.map(\.message) ?? []
}
