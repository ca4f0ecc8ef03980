import Yams

/// Turning the text of a board file into a YAML node tree, with libyaml's syntax errors
/// re-thrown as `BoardError`s at the place libyaml stopped.
enum YAMLSyntax {
  static func compose(_ yaml: String, file: String) throws(BoardError) -> Node {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw boardError(from: error, file: file)
    } catch {
      throw BoardError(file: file, line: 0, column: 0, message: "YAML syntax: \(error)")
    }
    guard let root else {
      throw BoardError(
        file: file, line: 1, column: 1,
        message: "the board file is empty; expected a mapping that starts with 'board: <name>' (see boards/devkit.yaml)")
    }
    return root
  }

  static func boardError(from error: YamlError, file: String) -> BoardError {
    // Yams 5 builds these marks as libyaml's 0-based line and column plus one.
    switch error {
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
      let .composer(context, problem, mark, _):
      if problem == "but found another document" {
        return BoardError(
          file: file, line: mark.line, column: mark.column,
          message: "a second YAML document starts here; a board file holds one board, so remove this '---' and what follows")
      }
      var message = "YAML syntax: \(problem)"
      if let context, context.mark.line != mark.line || context.mark.column != mark.column {
        message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
      }
      return BoardError(file: file, line: mark.line, column: mark.column, message: message + hint(for: problem))
    case let .reader(problem, offset, _, yaml):
      let location = offset.map { lineAndColumn(ofCharacterOffset: $0, in: yaml) } ?? .startOfFile
      return BoardError(file: file, line: location.line, column: location.column, message: "YAML text: \(problem)")
    default:
      return BoardError(file: file, line: 0, column: 0, message: "YAML: \(error)")
    }
  }

  /// A fix for the syntax mistakes people make most, when libyaml's words do not say it.
  private static func hint(for problem: String) -> String {
    if problem.contains("tab character") {
      return "; indent with spaces, not tabs"
    }
    if problem.contains("found character that cannot start any token") {
      return "; quote values that start with @ or `, and indent with spaces, not tabs"
    }
    if problem.contains("mapping values are not allowed") {
      return "; put a space after each ':' that ends a key and quote values that contain ': '"
    }
    return ""
  }

  private static func lineAndColumn(ofCharacterOffset offset: Int, in text: String) -> SourceLocation {
    var location = SourceLocation.startOfFile
    for character in text.prefix(offset) {
      if character == "\n" {
        location.line += 1
        location.column = 1
      } else {
        location.column += 1
      }
    }
    return location
  }
}
