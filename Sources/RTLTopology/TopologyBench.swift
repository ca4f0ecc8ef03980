import Cores
import HDL
import PCIModel

/// One design holding several topologies side by side, each a tree of switches and endpoints
/// under its own root switch, whose management port is the design's `<prefix>_mgmt` (MMIO,
/// `SwitchManagementMap`): firmware enumerates each through `SwitchConfigurationAccess` on it.
/// One Verilator build then serves every topology (the tests' way to keep the suite's builds few).
///
/// Instances are named `<prefix>_<function name>` (non-identifier characters become `_`), so
/// the waveform reads like the topology file. Endpoints' function sides are idle: BAR requests
/// are taken and dropped (enumeration sends none), nothing is sent.
///
/// The RTL names a switch module by its port count and upstream IDs; two switches of one design
/// with the same name and different bridges would be one module, so that is refused, naming both.
public func topologyBench(_ topologies: [(prefix: String, topology: RTLTopology)], name: String = "topology_bench") throws(TopologyError) -> Module {
  var builder = BenchBuilder()
  var built: [(String, BuiltSwitch)] = []
  for (prefix, topology) in topologies {
    guard let first = prefix.first, first.isLetter, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
      throw TopologyError([.init(file: topology.file, line: 1, column: 1, message: "the prefix `\(prefix)` is not a Verilog identifier")])
    }
    if let root = builder.build(topology.root, file: topology.file, prefix: prefix) { built.append((prefix, root)) }
  }
  guard builder.problems.isEmpty else { throw TopologyError(builder.problems) }
  return Module(name) { m in
    for (prefix, root) in built {
      let sw = m.instance(root.module, name: root.instanceName)
      connect(m.port("\(prefix)_mgmt", MMIO(addressWidth: SwitchManagementMap.addressWidth).flipped), to: sw.interface("mgmt", as: MMIO.self))
      // Port 0 leads to where the engine stands: no TLPs pass there.
      unconnectedPort(m, switch: sw, port: 0, active: true)
      place(m, root, sw)
    }
  }
}

/// A switch with its module built and the instances below it.
struct BuiltSwitch {
  var plan: SwitchPlan
  var module: Module
  var instanceName: String
  var children: [BuiltAttachment]
}

indirect enum BuiltAttachment {
  case empty
  case endpoint(EndpointPlan, Module, instanceName: String)
  case `switch`(BuiltSwitch)
}

/// Builds every module before elaboration (their generators throw), checking the switch names.
struct BenchBuilder {
  var problems: [TopologyError.Problem] = []
  private var switchBridges: [String: (bridges: String, file: String, line: Int)] = [:]
  private var names: Set<String> = []

  mutating func build(_ plan: SwitchPlan, file: String, prefix: String) -> BuiltSwitch? {
    let module: Module
    do { module = try pcieSwitch(plan.parameters) } catch {
      problems.append(.init(file: file, line: plan.line, column: 1, message: "\(plan.name): the switch cannot be built: \(error)"))
      return nil
    }
    let bridges = "\(plan.parameters.identities)"
    if let other = switchBridges[module.name], other.bridges != bridges {
      problems.append(.init(file: file, line: plan.line, column: 1, message:
        "\(plan.name): the RTL names a switch by its port count and upstream vendor and device IDs, and the switch at "
        + "\(other.file):\(other.line) has the same (\(module.name)) with different bridges; give this upstream port a device_id of its own"))
    } else {
      switchBridges[module.name] = (bridges, file, plan.line)
    }
    var children: [BuiltAttachment] = []
    for attachment in plan.downstream {
      switch attachment {
      case .empty: children.append(.empty)
      case .endpoint(let e):
        do {
          let module = e.isMultiFunction
            ? try pcieEndpoint(functions: e.functions, dataWidth: plan.parameters.dataWidth, readyAfterCycles: e.readyAfterCycles)
            : try pcieEndpoint(identity: e.identity, dataWidth: plan.parameters.dataWidth, readyAfterCycles: e.readyAfterCycles)
          children.append(.endpoint(e, module, instanceName: instanceName(prefix, e.name)))
        } catch {
          problems.append(.init(file: file, line: e.line, column: 1, message: "\(e.name): the endpoint cannot be built: \(error)"))
        }
      case .switch(let s):
        if let child = build(s, file: file, prefix: prefix) { children.append(.switch(child)) }
      }
    }
    return BuiltSwitch(plan: plan, module: module, instanceName: instanceName(prefix, plan.name), children: children)
  }

  /// `<prefix>_<name>` as an identifier, made unique with a number when needed.
  private mutating func instanceName(_ prefix: String, _ name: String) -> String {
    let stem = prefix + "_" + String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    var candidate = stem
    var n = 2
    while !names.insert(candidate).inserted {
      candidate = "\(stem)_\(n)"
      n += 1
    }
    return candidate
  }
}

/// Instantiates what hangs below switch `sw` and links it.
@StatementBuilder
private func place(_ m: ModuleBuilder, _ built: BuiltSwitch, _ sw: Instance) -> [Statement] {
  for (index, child) in built.children.enumerated() {
    let port = index + 1
    switch child {
    case .empty:
      unconnectedPort(m, switch: sw, port: port, active: false)
    case .endpoint(let plan, let module, let instanceName):
      let ep = m.instance(module, name: instanceName)
      connectLink(m, switch: sw, port: port, to: ep)
      if plan.isMultiFunction {
        for (number, identity) in plan.functions.sorted(by: { $0.key < $1.key }) {
          idleFunction(ep, identity, dataWidth: built.plan.parameters.dataWidth, prefix: "f\(number)_")
        }
      } else {
        idleFunction(ep, plan.identity, dataWidth: built.plan.parameters.dataWidth)
      }
    case .switch(let below):
      let child = m.instance(below.module, name: below.instanceName)
      connectSwitches(m, parent: sw, port: port, child: child)
      place(m, below, child)
    }
  }
}

/// An endpoint function's side with nothing behind it (`prefix`: `f<n>_` for function n of a
/// multi-function endpoint).
@StatementBuilder
private func idleFunction(_ ep: Instance, _ identity: EndpointIdentity, dataWidth: Int, prefix: String = "") -> [Statement] {
  for i in identity.bars.indices { ep["\(prefix)bar\(i)_ready"] <== true }
  for name in ["valid", "start", "end"] { ep["\(prefix)completion_\(name)"] <== false }
  ep["\(prefix)completion_header"] <== Signal.zero(width: TLPStream.headerWidth)
  ep["\(prefix)completion_data"] <== Signal.zero(width: dataWidth)
  ep["\(prefix)completion_strobe"] <== Signal.zero(width: dataWidth / 32)
  ep["\(prefix)signaled_completer_abort"] <== false
}
