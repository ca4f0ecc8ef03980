/// Why a design cannot be exported, or why an exported folder did not build or run.
public enum SystemCExportError: Error, CustomStringConvertible, Equatable {
  case noClock(name: String, ports: [String])
  case unknownScriptPort(step: Int, port: String, known: [String])
  case unknownScriptBoard(step: Int, board: Int, boards: Int)
  case unknownLink(String, links: [String])
  case badHostMemory(link: String, board: Int, links: [String], boards: Int)
  case buildFailed(directory: String, output: String)
  case runFailed(executable: String, status: Int32, output: String)
  case toolMissing(tool: String, fix: String)

  public var description: String {
    switch self {
    case .noClock(let name, let ports):
      return "the design has no 1-bit clock input `\(name)` (ports: \(ports.joined(separator: ", "))); name the clock with `clock:`"
    case .unknownScriptPort(let step, let port, let known):
      return "bring-up step \(step) uses port `\(port)`, which is not a management port or TLP input of the design (known: \(known.joined(separator: ", ")))"
    case .unknownScriptBoard(let step, let board, let boards):
      return "bring-up step \(step) runs on board \(board), but the sample has \(boards) board\(boards == 1 ? "" : "s") (two only when the script crosses links)"
    case .unknownLink(let link, let links):
      return "the script crosses link `\(link)`, but the design's links (TLP streams `<name>_in` and `<name>_out`) are: \(links.isEmpty ? "none" : links.joined(separator: ", "))"
    case .badHostMemory(let link, let board, let links, let boards):
      return "the script puts a host memory behind link `\(link)` of board \(board), but the sample has \(boards) board\(boards == 1 ? "" : "s") and the design's links are: \(links.isEmpty ? "none" : links.joined(separator: ", ")); name a link that is not crossed, on board 0 or (with crossed links) 1"
    case .buildFailed(let directory, let output):
      return "`make` failed in \(directory) (kept; run `make` there to see it again):\n\(output)"
    case .runFailed(let executable, let status, let output):
      return "\(executable) exited with status \(status):\n\(output)"
    case .toolMissing(let tool, let fix):
      return "\(tool) is not installed; \(fix)"
    }
  }
}
