extension VCDReader {
  /// Reads declarations up to `$enddefinitions $end`.
  static func readHeader(_ tokens: ByteTokens, path: String) throws -> WaveHeader {
    var header = WaveHeader(timescale: Timescale(magnitude: 1, unit: .s), scopes: [])
    var stack: [WaveScope] = []
    func fail(_ message: String) -> WaveError { .malformed(path: path, line: tokens.line, message: message) }
    /// The words up to `$end`.
    func body(of keyword: String) throws -> [String] {
      var words: [String] = []
      while let token = tokens.next() {
        let word = token.text
        if word == "$end" { return words }
        words.append(word)
      }
      throw fail("\(keyword) is not closed by $end")
    }
    // A file without $timescale keeps the 1 s set above (IEEE 1364 leaves it to the tool).
    while let token = tokens.next() {
      let keyword = token.text
      switch keyword {
      case "$enddefinitions":
        _ = try body(of: keyword)
        guard stack.isEmpty else { throw fail("scope '\(stack.last!.name)' is not closed by $upscope before $enddefinitions") }
        return header
      case "$timescale":
        let text = try body(of: keyword).joined()
        guard let timescale = Timescale(text) else {
          throw fail("timescale '\(text)' is not 1, 10 or 100 followed by s, ms, us, ns, ps or fs")
        }
        header.timescale = timescale
      case "$date":
        header.date = try body(of: keyword).joined(separator: " ")
      case "$version":
        header.version = try body(of: keyword).joined(separator: " ")
      case "$scope":
        let words = try body(of: keyword)
        guard words.count >= 2 else { throw fail("$scope needs a kind and a name, got '\(words.joined(separator: " "))'") }
        stack.append(WaveScope(kind: words[0], name: words[1]))
      case "$upscope":
        _ = try body(of: keyword)
        guard let closed = stack.popLast() else { throw fail("$upscope without an open $scope") }
        if stack.isEmpty { header.scopes.append(closed) } else { stack[stack.count - 1].children.append(closed) }
      case "$var":
        let words = try body(of: keyword)
        guard words.count >= 4, let width = Int(words[1]), width > 0 else {
          throw fail("$var needs a kind, a width, a code and a name, got '\(words.joined(separator: " "))'")
        }
        guard !stack.isEmpty else { throw fail("$var \(words[3]) is outside any $scope") }
        var name = words[3]
        var range: String? = words.count > 4 ? words[4...].joined() : nil
        if range == nil, width > 1, let bracket = name.firstIndex(of: "["), name.hasSuffix("]"),
           name[bracket...].contains(":") {
          range = String(name[bracket...])
          name = String(name[..<bracket])
        }
        let variable = WaveVariable(kind: words[0], width: width, code: words[2], name: name, range: range,
                                    scope: stack.map(\.name))
        stack[stack.count - 1].variables.append(variable)
      default:
        if keyword.hasPrefix("$") {
          _ = try body(of: keyword)  // $comment, $attrbegin and other tools' additions
        } else {
          throw fail("'\(keyword)' where a declaration keyword ($scope, $var, $enddefinitions, ...) was expected")
        }
      }
    }
    throw fail("the header ends without $enddefinitions (is this a VCD file?)")
  }
}
