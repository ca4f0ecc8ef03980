/// One `$var` of a waveform file: a signal inside a scope, with the identifier code its value
/// changes use. Several variables may share one code (the same net seen from several scopes).
public struct WaveVariable: Hashable, Sendable {
  /// `wire`, `reg`, `integer`, `parameter`, `real`, ...
  public let kind: String
  public let width: Int
  /// The identifier code value changes name it by.
  public let code: String
  /// The name in its scope without the bit range (`data`).
  public let name: String
  /// The declared bit range, `[7:0]`, when the file gives one.
  public let range: String?
  /// Scope names from the top (`["tb", "dut"]`).
  public let scope: [String]

  public init(kind: String, width: Int, code: String, name: String, range: String?, scope: [String]) {
    self.kind = kind
    self.width = width
    self.code = code
    self.name = name
    self.range = range
    self.scope = scope
  }

  /// The dotted name from the top scope: `tb.dut.data`.
  public var path: String { (scope + [name]).joined(separator: ".") }
  /// The name GTKWave shows and its save files use: the path with the range, `tb.dut.data[7:0]`.
  public var gtkwaveName: String { path + (range ?? "") }
  public var isReal: Bool { kind == "real" || kind == "realtime" }
}

/// A `$scope` with its variables and child scopes, in file order.
public struct WaveScope: Hashable, Sendable {
  /// `module`, `task`, `function`, `begin`, `fork`, or a tool's own kind.
  public let kind: String
  public let name: String
  public internal(set) var variables: [WaveVariable] = []
  public internal(set) var children: [WaveScope] = []

  public init(kind: String, name: String) {
    self.kind = kind
    self.name = name
  }

  /// Every variable in this scope and below, depth first in file order.
  public var allVariables: [WaveVariable] { variables + children.flatMap(\.allVariables) }
}

/// What a waveform file's header declares: its timescale, scopes and variables.
public struct WaveHeader: Sendable {
  public var timescale: Timescale
  public var date: String?
  public var version: String?
  /// The top-level scopes (usually one).
  public var scopes: [WaveScope]

  /// Every variable, depth first in file order.
  public var variables: [WaveVariable] { scopes.flatMap(\.allVariables) }

  /// The variable called `name`: a dotted path (`tb.dut.data`, with or without its range), or a
  /// path relative to any scope when that is unambiguous (`dut.data`, `data`).
  public func variable(named name: String) throws -> WaveVariable {
    let all = variables
    if let exact = all.first(where: { $0.path == name || $0.gtkwaveName == name }) { return exact }
    let suffix = all.filter { $0.path.hasSuffix("." + name) || $0.gtkwaveName.hasSuffix("." + name) }
    if suffix.count == 1 { return suffix[0] }
    if suffix.count > 1 {
      throw WaveError.ambiguousSignal(name, candidates: suffix.map(\.path))
    }
    throw WaveError.unknownSignal(name, nearest: nearestPaths(to: name, in: all.map(\.path)))
  }

  /// The variables under the scope with dotted path `path` (`tb.dut`), including nested scopes.
  public func variables(inScope path: String) throws -> [WaveVariable] {
    let parts = path.split(separator: ".").map(String.init)
    var level = scopes
    var found: WaveScope?
    for part in parts {
      guard let next = level.first(where: { $0.name == part }) else {
        throw WaveError.unknownScope(path, known: scopePaths())
      }
      found = next
      level = next.children
    }
    guard let scope = found else { throw WaveError.unknownScope(path, known: scopePaths()) }
    return scope.allVariables
  }

  /// Dotted paths of every scope.
  public func scopePaths() -> [String] {
    func walk(_ scope: WaveScope, _ prefix: String) -> [String] {
      let path = prefix.isEmpty ? scope.name : prefix + "." + scope.name
      return [path] + scope.children.flatMap { walk($0, path) }
    }
    return scopes.flatMap { walk($0, "") }
  }

  /// The hierarchy as indented text: scopes with their kind, variables with width and range.
  public func listing() -> String {
    var lines = ["timescale \(timescale)"]
    func walk(_ scope: WaveScope, depth: Int) {
      let indent = String(repeating: "  ", count: depth)
      lines.append("\(indent)\(scope.name) (\(scope.kind))")
      for variable in scope.variables {
        let bits = variable.width == 1 ? "" : " [\(variable.width) bits]"
        lines.append("\(indent)  \(variable.name)\(variable.range ?? "")  \(variable.kind)\(bits)")
      }
      for child in scope.children { walk(child, depth: depth + 1) }
    }
    for scope in scopes { walk(scope, depth: 0) }
    return lines.joined(separator: "\n")
  }
}

/// The closest few of `candidates` to `name` by their last path component, for "did you mean".
func nearestPaths(to name: String, in candidates: [String]) -> [String] {
  let leaf = name.split(separator: ".").last.map(String.init) ?? name
  func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let old = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = old
      }
    }
    return row[b.count]
  }
  return candidates
    .map { ($0, distance(leaf, String($0.split(separator: ".").last ?? ""))) }
    .filter { $0.1 <= max(2, leaf.count / 3) }
    .sorted { $0.1 < $1.1 }
    .prefix(3)
    .map(\.0)
}
