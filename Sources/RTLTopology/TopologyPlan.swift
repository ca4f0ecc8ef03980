import Cores
import PCIModel

/// A topology file as the RTL builds it: a tree of `pcieSwitch` instances rooted at one switch
/// whose management port's configuration request engine is the root of enumeration, with
/// `pcieEndpoint` instances and empty slots on the downstream ports.
///
/// What the RTL cannot express is refused, each problem naming its line:
/// - the root bus holds one function, device 0: a switch's upstream port (`bridge: upstream`),
///   because the engine stands where a downstream port would and reaches Device 0 only;
/// - an upstream port's bus holds downstream ports (`bridge: downstream`) at devices 0...n-1;
/// - below a downstream port: nothing (an empty slot), an endpoint or another switch's
///   upstream port, at device 0; an endpoint may have several functions (0...7, function 0
///   present, gaps allowed: `pcieEndpoint(functions:)`), all endpoints, all with the same
///   `ready_after_cycles` (the device answers CRS as a whole); a switch's upstream port is a
///   single-function device;
/// - root ports and PCIe-to-PCI bridges, I/O BARs, BARs under 4 KiB, endpoint BARs that leave a
///   slot unused before the last one, bridge BARs other than one 32-bit non-prefetchable BAR0,
///   prefetchable windows other than 64-bit, conventional PCI functions (`max_payload: null`),
///   bridges slow to answer and CRS Software Visibility.
public struct RTLTopology: Sendable {
  /// The root switch.
  public let root: SwitchPlan
  /// The file the topology came from, for messages.
  public let file: String

  public var switches: Int { root.switchCount }
  public var endpoints: Int { root.endpointCount }

  /// Checks `topology` against what the RTL can build; throws every problem with its line.
  public init(_ topology: Topology, dataWidth: Int = 64) throws(TopologyError) {
    var planner = Planner(file: topology.file, dataWidth: dataWidth)
    if let line = topology.crsSoftwareVisibilityLine {
      planner.refuse(line, "options.crs_software_visibility: the switch's configuration request engine reports CRS as a completion status; "
                       + "software visibility (Vendor ID 0001h) is a root port feature the RTL has not got. Remove the option")
    }
    let root = planner.root(topology.root)
    guard planner.problems.isEmpty, let root else { throw TopologyError(planner.problems) }
    self.root = root
    file = topology.file
  }
}

/// One switch: its parameters and what is attached to each downstream port (index k − 1 for port k).
public struct SwitchPlan: Sendable {
  public var name: String
  public var line: Int
  public var parameters: SwitchParameters
  public var downstream: [Attachment]

  var switchCount: Int { 1 + downstream.reduce(0) { if case .switch(let s) = $1 { return $0 + s.switchCount } else { return $0 } } }
  var endpointCount: Int {
    downstream.reduce(0) {
      switch $1 {
      case .empty: return $0
      case .endpoint: return $0 + 1
      case .switch(let s): return $0 + s.endpointCount
      }
    }
  }
}

/// An endpoint device: its functions' configuration constants and how long after reset it
/// answers CRS. `name` and `line` are function 0's.
public struct EndpointPlan: Sendable {
  public var name: String
  public var line: Int
  /// By function number; function 0 is always present.
  public var functions: [Int: EndpointIdentity]
  public var readyAfterCycles: Int

  /// Function 0's.
  public var identity: EndpointIdentity { functions[0]! }
  /// More than one function: built with `pcieEndpoint(functions:)`, Header Type bit 7 set.
  public var isMultiFunction: Bool { functions.count > 1 }
}

/// What a downstream port's link leads to.
public indirect enum Attachment: Sendable {
  /// Nothing: the link is down.
  case empty
  case endpoint(EndpointPlan)
  case `switch`(SwitchPlan)
}

struct Planner {
  let file: String
  let dataWidth: Int
  var problems: [TopologyError.Problem] = []

  init(file: String, dataWidth: Int) {
    self.file = file
    self.dataWidth = dataWidth
  }

  mutating func refuse(_ line: Int, _ message: String) {
    problems.append(.init(file: file, line: line, column: 1, message: message))
  }

  mutating func refuse(_ f: TopologyFunction, _ message: String) {
    problems.append(.init(file: file, line: f.line, column: f.column, message: "\(f.name): \(message)"))
  }

  mutating func root(_ functions: [TopologyFunction]) -> SwitchPlan? {
    guard let first = functions.first else {
      refuse(1, "root: the RTL root is one switch's upstream port at device 0; add - { device: 0, bridge: upstream, below: [...] }")
      return nil
    }
    for extra in functions.dropFirst() {
      refuse(extra, "the root bus is the link from the switch's configuration request engine, which carries Device 0 only; "
                    + "a second function there cannot be built (put it below a downstream port)")
    }
    return switchPlan(first)
  }

  /// A switch from its upstream port's entry.
  private mutating func switchPlan(_ up: TopologyFunction) -> SwitchPlan? {
    guard up.kind == .bridge(.upstreamPort) else {
      refuse(up, "the RTL builds switches (bridge: upstream with downstream ports below) and endpoints here; "
                 + "\(describe(up.kind)) cannot be built")
      return nil
    }
    guard up.device == 0, up.function == 0 else {
      refuse(up, "a switch's upstream port is device 0 function 0 on its link, not device \(up.device) function \(up.function)")
      return nil
    }
    let upIdentity = bridgeIdentity(up, role: .upstream, port: 0)
    let ports = up.below.sorted { $0.device < $1.device }
    if ports.isEmpty { refuse(up, "a switch needs at least one downstream port in below:") }
    if ports.count > 31 { refuse(up, "a switch has at most 31 downstream ports, not \(ports.count)") }
    var identities = [upIdentity]
    var downstream: [Attachment] = []
    for (k, port) in ports.enumerated() {
      guard port.kind == .bridge(.downstreamPort) else {
        refuse(port, "an upstream port's bus holds the switch's downstream ports (bridge: downstream), not \(describe(port.kind))")
        continue
      }
      guard port.device == k, port.function == 0 else {
        refuse(port, "downstream port \(k + 1) of this switch is device \(k) function 0 on its internal bus; "
                     + "number the downstream ports 0, 1, 2... without gaps")
        continue
      }
      identities.append(bridgeIdentity(port, role: .downstream, port: k + 1))
      downstream.append(attachment(port.below))
    }
    guard identities.allSatisfy({ $0 != nil }), identities.count == ports.count + 1 else { return nil }
    let bridges = identities.map { $0! }
    let payload = bridges.map(\.maxPayloadBytes).max() ?? 256
    var parameters = SwitchParameters(downstreamPorts: ports.count, dataWidth: dataWidth, maxPayloadBytes: payload,
                                      linkWidth: 4, linkSpeed: 3)
    parameters.identities = bridges
    return SwitchPlan(name: up.name, line: up.line, parameters: parameters, downstream: downstream)
  }

  /// What a downstream port's `below:` describes.
  private mutating func attachment(_ below: [TopologyFunction]) -> Attachment {
    guard !below.isEmpty else { return .empty }
    for stray in below where stray.device != 0 {
      refuse(stray, "a link carries device 0 only (PCIe Base 4.0 §7.3.1)")
    }
    let functions = below.filter { $0.device == 0 }.sorted { $0.function < $1.function }
    guard let first = functions.first else { return .empty }
    guard first.function == 0 else {
      refuse(first, "device 0 has no function 0 here: software probes function 0 first and finds no device without it; "
                    + "number this function 0")
      return .empty
    }
    if functions.count > 1 {
      for f in functions where f.kind != .endpoint {
        refuse(f, "function \(f.function) of a multi-function device is \(describe(f.kind)); the RTL builds multi-function "
                  + "endpoints only (a switch's upstream port is a single-function device). Give it its own downstream port")
      }
      for f in functions.dropFirst() where f.readyAfterCycles != first.readyAfterCycles {
        refuse(f, "ready_after_cycles \(f.readyAfterCycles) differs from function 0's \(first.readyAfterCycles); the RTL device "
                  + "answers CRS as a whole, so give every function the same value")
      }
      guard functions.allSatisfy({ $0.kind == .endpoint }) else { return .empty }
    }
    switch first.kind {
    case .endpoint:
      var identities: [Int: EndpointIdentity] = [:]
      for f in functions {
        if let identity = endpointIdentity(f) { identities[f.function] = identity }
      }
      guard identities.count == functions.count else { return .empty }
      return .endpoint(EndpointPlan(name: first.name, line: first.line, functions: identities, readyAfterCycles: first.readyAfterCycles))
    case .bridge: return switchPlan(first).map(Attachment.switch) ?? .empty
    }
  }

  private mutating func endpointIdentity(_ f: TopologyFunction) -> EndpointIdentity? {
    var ok = true
    guard let payload = f.maxPayload else {
      refuse(f, "max_payload: null (conventional PCI) cannot be built: pcieEndpoint is a PCI Express function; give max_payload: 128...4096")
      return nil
    }
    var bars: [BARSpec] = []
    var nextSlot = 0
    for entry in f.bars {
      let spec: BARSpec
      switch entry.bar {
      case .io:
        refuse(entry.line, "\(f.name): BAR\(entry.slot) is an I/O BAR; pcieEndpoint has memory BARs only (use mem32 or mem64)")
        ok = false
        continue
      case .memory32(let size, let prefetchable): spec = BARSpec(bytes: size, is64Bit: false, prefetchable: prefetchable)
      case .memory64(let size, let prefetchable): spec = BARSpec(bytes: size, is64Bit: true, prefetchable: prefetchable)
      }
      if spec.bytes < 4096 {
        refuse(entry.line, "\(f.name): BAR\(entry.slot) of \(spec.bytes) bytes; pcieEndpoint's BARs are at least 4 KiB (one page)")
        ok = false
      }
      if entry.slot != nextSlot {
        refuse(entry.line, "\(f.name): BAR\(entry.slot) leaves slot \(nextSlot) unused; pcieEndpoint places its BARs from BAR0 "
                           + "without gaps, so this BAR would be at slot \(nextSlot)")
        ok = false
      }
      nextSlot = entry.slot + spec.slots
      bars.append(spec)
    }
    guard ok else { return nil }
    return EndpointIdentity(vendorID: f.vendor, deviceID: f.deviceID, revisionID: Int(ModelFunction.revisionID), classCode: f.classCode,
                            bars: bars, maxPayloadBytes: payload)
  }

  private mutating func bridgeIdentity(_ f: TopologyFunction, role: SwitchPortRole, port: Int) -> BridgeIdentity? {
    var ok = true
    if f.prefetchable != .bits64 {
      refuse(f, "prefetchable: the switch's bridges have a 64-bit prefetchable window; remove the key or write prefetchable: 64")
      ok = false
    }
    if f.readyAfterCycles != 0 {
      refuse(f, "ready_after_cycles: the switch's bridges answer at once; only endpoints can be slow to answer")
      ok = false
    }
    guard let payload = f.maxPayload else {
      refuse(f, "max_payload: null; a switch port is a PCI Express function, give max_payload: 128...4096")
      return nil
    }
    var bar0: Int? = nil
    for entry in f.bars {
      if entry.slot == 0, case .memory32(let size, false) = entry.bar, size >= 4096 {
        bar0 = Int(size)
      } else {
        refuse(entry.line, "\(f.name): a switch bridge has at most one BAR, BAR0: 32-bit, not prefetchable, at least 4 KiB")
        ok = false
      }
    }
    guard ok else { return nil }
    return BridgeIdentity(vendorID: f.vendor, deviceID: f.deviceID, revisionID: Int(ModelFunction.revisionID), role: role, portNumber: port, maxPayloadBytes: payload,
                          maxLinkSpeed: 3, maxLinkWidth: 4, bar0Bytes: bar0)
  }

  private func describe(_ kind: TopologyFunction.Kind) -> String {
    switch kind {
    case .endpoint: return "an endpoint"
    case .bridge(.rootPort): return "a root port (the switch's configuration request engine is the root here)"
    case .bridge(.upstreamPort): return "an upstream port"
    case .bridge(.downstreamPort): return "a downstream port"
    case .bridge(.pcieToPCIBridge): return "a PCIe-to-PCI bridge"
    case .bridge(let other): return "a bridge of port type \(other.rawValue)"
    }
  }
}
