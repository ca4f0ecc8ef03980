import HDL
import PCIe

/// The signals of one switch port's link as `pcieSwitch` names them after `link<k>_`: the TLP
/// streams, the link partner's credits, the credits the switch gives it, link status and the
/// ingress counters. The node and board tops carry them up to their own ports unchanged.
enum SwitchLinkPorts {
  static let creditNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]

  static func inputs() -> [(name: String, width: Int)] {
    [("fc_initialize", 1), ("fc_update", 1)]
      + CreditType.allCases.flatMap { type in
        [("fc_\(creditNames[type.rawValue])_advertised", type.fieldSize), ("fc_\(creditNames[type.rawValue])_limit", type.fieldSize)]
      }
      + [("speed", 4), ("width", 6), ("active", 1)]
  }

  static func outputs() -> [(name: String, width: Int)] {
    CreditType.allCases.flatMap { type in
      [("rx_fc_\(creditNames[type.rawValue])_advertised", type.fieldSize), ("rx_fc_\(creditNames[type.rawValue])_allocated", type.fieldSize)]
    } + [("dropped", 16), ("malformed", 16), ("unsupported", 16)]
  }

  /// Ports `<outer>_*` of the module being built, wired to `<inner>_*` of `child`.
  @StatementBuilder
  static func passThrough(_ m: ModuleBuilder, child: Instance, inner: String, outer: String, dataWidth: Int) -> [Statement] {
    connect(m.port("\(outer)_in", TLPStream(dataWidth: dataWidth).flipped), to: child.interface("\(inner)_in", as: TLPStream.self))
    connect(child.interface("\(inner)_out", as: TLPStream.self), to: m.port("\(outer)_out", TLPStream(dataWidth: dataWidth)))
    for (name, width) in inputs() {
      child["\(inner)_\(name)"] <== m.input("\(outer)_\(name)", width: width)
    }
    for (name, width) in outputs() {
      m.output("\(outer)_\(name)", width: width) <== child["\(inner)_\(name)"]
    }
  }
}
