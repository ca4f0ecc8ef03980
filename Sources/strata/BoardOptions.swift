import ArgumentParser
import Board
import Foundation

/// `--board FILE`, shared by every command that works on a board.
struct BoardOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The board description.", valueName: "file"))
  var board: String = Board.defaultBoardPath

  /// The validated board; a bad file stops the command with every error found.
  func load() throws -> Board {
    do {
      return try Board.load(path: board)
    } catch {
      throw CommandFailure(error.description)
    }
  }

  /// The project folder the board belongs to: the parent of its `boards/` folder, or the
  /// current directory for a board file kept elsewhere.
  var projectRoot: URL {
    let file = URL(fileURLWithPath: board).standardizedFileURL
    let folder = file.deletingLastPathComponent()
    if folder.lastPathComponent == "boards" { return folder.deletingLastPathComponent() }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }
}

/// A failure already explained in its message: printed as is, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ message: String) { description = message }
}
