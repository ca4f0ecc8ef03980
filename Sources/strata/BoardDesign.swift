import Board
import Cores
import HDL

/// Elaborates the board's top module, turning elaboration errors into one readable failure.
func elaborateBoard(_ board: Board) throws -> Design {
  do {
    let design = try Design(top: boardTop(board))
    for warning in design.warnings { print(warning) }
    return design
  } catch let error as ElaborationError {
    throw CommandFailure("elaboration of board `\(board.name)` failed:\n\(error)")
  }
}
