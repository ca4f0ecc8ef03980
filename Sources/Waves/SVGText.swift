/// An SVG document assembled as text, with attributes in a fixed order so output is deterministic.
struct SVGText {
  private(set) var text = ""
  private var depth = 0

  mutating func open(_ element: String, _ attributes: [String: String]) {
    text += indent() + "<\(element)\(render(attributes))>\n"
    depth += 1
  }

  mutating func close(_ element: String) {
    depth -= 1
    text += indent() + "</\(element)>\n"
  }

  mutating func leaf(_ element: String, _ attributes: [String: String]) {
    text += indent() + "<\(element)\(render(attributes))/>\n"
  }

  mutating func text(_ content: String, _ attributes: [String: String], element: String = "text") {
    text += indent() + "<\(element)\(render(attributes))>\(SVGText.escape(content))</\(element)>\n"
  }

  private func indent() -> String { String(repeating: " ", count: depth) }

  private func render(_ attributes: [String: String]) -> String {
    attributes.keys.sorted().map { " \($0)=\"\(SVGText.escape(attributes[$0]!))\"" }.joined()
  }

  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      default: result.append(character)
      }
    }
    return result
  }
}
