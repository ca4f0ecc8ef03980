/// A child module placed inside a parent. Its ports appear in the parent as signals named
/// `<instance>_<port>`: drive the child's inputs with `<==`, read its outputs.
/// The child's implicit `clk` and `rst` are connected to the parent's automatically.
public struct Instance {
  let info: InstanceInfo

  public var name: String { info.name }
  /// The Verilog module this instance places.
  public var moduleName: String { info.module.name }

  /// The parent-side signal of the child's port `port`.
  public subscript(port: String) -> Signal {
    if let pin = info.pins[port] { return Signal(pin) }
    let names = info.module.ports.compactMap(\.name)
    return Signal.invalid(width: 1, owner: info.parent,
                          "module `\(info.module.name)` has no port `\(port)`\(Spelling.suggestion(for: port, among: names))")
  }

  /// The child's interface port `name`, as the same interface type, seen from the parent.
  public func interface<I: Interface>(_ name: String, as type: I.Type = I.self) -> I {
    if let declared = info.module.interfaces[name], let template = declared.template as? I {
      return template.rebound { member in self["\(name)_\(member.name)"] }
    }
    let known = info.module.interfaces.keys.sorted()
    let problem = "module `\(info.module.name)` has no interface port `\(name)` of type \(I.self)"
      + Spelling.suggestion(for: name, among: known)
    // Another port of the same type lends its shape, so the mistake is reported at the statement
    // that uses the interface; with none, there is no value of type I to return.
    guard let shape = known.lazy.compactMap({ self.info.module.interfaces[$0]?.template as? I }).first else {
      preconditionFailure(problem)
    }
    return shape.rebound { member in Signal.invalid(width: member.signal.width, owner: info.parent, problem) }
  }
}

final class InstanceInfo {
  let name: String
  let module: ModuleBuilder
  unowned let parent: ModuleBuilder
  let location: SourceLocation
  /// The parent-side node of each child port, by port name, in the child's port order.
  var pins: [String: Node] = [:]

  init(name: String, module: ModuleBuilder, parent: ModuleBuilder, location: SourceLocation) {
    self.name = name
    self.module = module
    self.parent = parent
    self.location = location
  }
}

extension ModuleBuilder {
  /// Places `module` (elaborated once per distinct parameterisation) as instance `name`.
  /// `reset`, when given, drives the child's implicit `rst` in place of this module's own (for
  /// a block that must restart while its parent runs on, e.g. a link's queues at link down).
  public func instance(_ module: Module, name: String, reset childReset: Signal? = nil,
                       file: StaticString = #fileID, line: UInt = #line) -> Instance {
    let location = SourceLocation(file: file, line: line)
    claim(name, at: location)
    let child = elaborator.elaborate(module)
    if child !== self, child.usedNames[name] != nil {
      error("instance `\(name)` has the name of a signal inside module `\(child.name)`; Verilog tools warn that the signal "
            + "hides the instance (VARHIDDEN): choose another instance name", at: location)
    }
    let info = InstanceInfo(name: name, module: child, parent: self, location: location)
    for port in child.ports {
      let isInput: Bool = { if case .input = port.kind { return true } else { return false } }()
      let pin = declare("\(name)_\(port.name!)", .instancePin(info, port: port.name!, isChildInput: isInput),
                        width: port.width, signed: port.signed, at: location)
      info.pins[port.name!] = pin
    }
    add(info)
    if child.hasImplicitClock, let clk = info.pins["clk"] {
      implicitStatements.append(Statement(.assign(target: clk, value: clock.node), location: location))
    }
    if child.hasImplicitReset, let rst = info.pins["rst"] {
      implicitStatements.append(Statement(.assign(target: rst, value: (childReset ?? reset).node), location: location))
    }
    return Instance(info: info)
  }
}

/// "Did you mean" suggestions for misspelt names.
enum Spelling {
  static func suggestion(for name: String, among candidates: [String]) -> String {
    let limit: Int = Swift.max(2, name.count / 3)
    let scored: [(name: String, distance: Int)] = candidates.map { ($0, distance(name, $0)) }
    let near = scored.filter { (c: (name: String, distance: Int)) -> Bool in c.distance <= limit }
      .sorted { (x: (name: String, distance: Int), y: (name: String, distance: Int)) -> Bool in
        x.distance != y.distance ? x.distance < y.distance : x.name < y.name
      }
    let close: [String] = near.prefix(3).map { "`\($0.name)`" }
    if !close.isEmpty { return "; did you mean \(close.joined(separator: " or "))?" }
    return candidates.isEmpty ? "" : "; it has \(candidates.map { "`\($0)`" }.joined(separator: ", "))"
  }

  /// Levenshtein distance.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let current = row[j]
        let substitution: Int = a[i - 1] == b[j - 1] ? previous : previous + 1
        let deletion: Int = row[j] + 1
        let insertion: Int = row[j - 1] + 1
        row[j] = Swift.min(deletion, insertion, substitution)
        previous = current
      }
    }
    return row[b.count]
  }
}
