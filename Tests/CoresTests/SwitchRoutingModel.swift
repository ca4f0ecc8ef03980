import PCIe

/// Reference model of a switch's routing decision, written from PCIe Base Specification 6.3
/// (§2.2.4 address and ID routing, §2.2.8 message routing Table 2-20, §2.3.1 Unsupported
/// Request, §2.3.2 completion handling, §7.3.1 configuration forwarding and the Type 1 → 0
/// conversion with Device Number 0 enforcement, §7.5.3.16) and cocotbext-pcie's
/// `Switch._run_routing`/`Bridge.match_tlp_secondary` as a second reading; §2.9.1 (Transaction
/// Layer behaviour in DL_Down status) for downstream ports whose link is down. Port 0 is the
/// upstream port; downstream port k is device k-1 on the internal bus.
struct SwitchRoutingModel {
  struct Bridge {
    var secondary = 0, subordinate = 0
    /// Window bounds in MiB units: bits 31:20 (memory) and 63:20 (prefetchable) of the address.
    var memoryBase = 0, memoryLimit = 0
    var prefetchableBase: UInt64 = 0, prefetchableLimit: UInt64 = 0
    var memorySpaceEnable = false, busMasterEnable = false
    /// Device Control's Max_Payload_Size in bytes; 128 after reset (§7.5.3.4).
    var maxPayloadBytes = 128
    /// The port's Data Link Layer is up (DL_Active); false is DL_Down (§2.9.1).
    var linkUp = true

    func claims(_ address: UInt64) -> Bool {
      let mib = address >> 20
      let inMemory = address >> 32 == 0 && UInt64(memoryBase) <= mib && mib <= UInt64(memoryLimit)
      return memorySpaceEnable && (inMemory || (prefetchableBase <= mib && mib <= prefetchableLimit))
    }
    /// Secondary bus 0 is the reset value, a bridge not numbered yet: it covers nothing (bus 0
    /// is the root's, never a secondary bus; PCIModel's bridges route the same way).
    func covers(bus: Int) -> Bool { secondary != 0 && secondary <= bus && bus <= subordinate }
  }

  enum Route: Equatable {
    case forward(ports: [Int], toType0: Bool)
    case ownBridge(Int)
    case unsupported
    case drop
    case terminate
    case malformed
    /// §2.9.1: routed to downstream `port`, whose link is down. A non-posted request gets an
    /// Unsupported Request completion from that port's bridge, a posted request is discarded
    /// (both reported as that bridge's UR), a completion is discarded.
    case linkDown(port: Int, nonPosted: Bool)
  }

  var bridges: [Bridge]

  /// Whether `tlp`, entering at `ingress`, makes anything leave at `port`: forwarded there, or
  /// answered there with an Unsupported Request completion.
  func reaches(_ port: Int, _ tlp: TLP?, from ingress: Int) -> Bool {
    switch route(tlp, ingress: ingress) {
    case .forward(let ports, _): return ports.contains(port)
    case .unsupported: return ingress == port
    case .linkDown(_, let nonPosted): return nonPosted && ingress == port
    default: return false
    }
  }

  /// The route of a TLP whose header is `tlp` entering at `ingress`; `malformed` when the RTL
  /// must discard it (its kind could not be parsed, it crosses 4 KiB, or its payload exceeds
  /// the ingress bridge's Max_Payload_Size).
  func route(_ tlp: TLP?, ingress: Int) -> Route {
    let r = routeIgnoringLinks(tlp, ingress: ingress)
    guard let tlp, case .forward(let ports, _) = r else { return r }
    if case .message(.broadcastFromRootComplex) = tlp.kind {
      let up = ports.filter { bridges[$0].linkUp }
      return up.isEmpty ? .terminate : .forward(ports: up, toType0: false)
    }
    if case .messageWithData(.broadcastFromRootComplex) = tlp.kind {
      let up = ports.filter { bridges[$0].linkUp }
      return up.isEmpty ? .terminate : .forward(ports: up, toType0: false)
    }
    if let port = ports.first, port != 0, !bridges[port].linkUp {
      return .linkDown(port: port, nonPosted: tlp.kind.flowControlClass == .nonPosted)
    }
    return r
  }

  /// The route as if every link were up.
  private func routeIgnoringLinks(_ tlp: TLP?, ingress: Int) -> Route {
    guard let tlp else { return .malformed }
    let kind = tlp.kind
    if kind.isMemoryRequest && Int(tlp.address & 0xFFF) + tlp.length * 4 > 4096 { return .malformed }
    // §2.2.2: a payload above the receiving port's Max_Payload_Size.
    if kind.hasData && tlp.length * 4 > bridges[ingress].maxPayloadBytes { return .malformed }
    let unclaimed: Route = kind.flowControlClass == .nonPosted ? .unsupported : .drop
    switch kind {
    case .memoryRead, .memoryReadLocked, .memoryWrite, .message(.byAddress), .messageWithData(.byAddress):
      return routeByAddress(tlp.address, ingress: ingress) ?? unclaimed
    case .completion, .completionWithData, .completionLocked, .completionLockedWithData:
      return routeByID(bus: Int(tlp.requester.bus), ingress: ingress) ?? unclaimed
    case .message(.byID), .messageWithData(.byID):
      return routeByID(bus: Int(tlp.target.bus), ingress: ingress) ?? unclaimed
    case .configRead0, .configWrite0, .configRead1, .configWrite1:
      return routeConfiguration(tlp, ingress: ingress) ?? unclaimed
    case .message(let r), .messageWithData(let r):
      switch r {
      case .toRootComplex, .gatheredToRootComplex: return ingress == 0 ? .drop : .forward(ports: [0], toType0: false)
      case .broadcastFromRootComplex: return ingress == 0 ? .forward(ports: Array(1..<bridges.count), toType0: false) : .drop
      default: return .terminate
      }
    case .ioRead, .ioWrite:
      return .unsupported  // no bridge has an I/O window
    }
  }

  private func lowestDownstream(excluding ingress: Int, _ claims: (Bridge) -> Bool) -> Int? {
    (1..<bridges.count).first { $0 != ingress && claims(bridges[$0]) }
  }

  private func routeByAddress(_ address: UInt64, ingress: Int) -> Route? {
    let target = lowestDownstream(excluding: ingress) { $0.claims(address) }
    if ingress == 0 {
      guard bridges[0].claims(address), let target else { return nil }
      return .forward(ports: [target], toType0: false)
    }
    let source = bridges[ingress]
    guard source.busMasterEnable, !source.claims(address) else { return nil }
    if let target { return .forward(ports: [target], toType0: false) }
    return bridges[0].claims(address) ? nil : .forward(ports: [0], toType0: false)
  }

  private func routeByID(bus: Int, ingress: Int) -> Route? {
    if ingress != 0 && bridges[ingress].covers(bus: bus) { return nil }
    if let target = lowestDownstream(excluding: ingress, { $0.covers(bus: bus) }) { return .forward(ports: [target], toType0: false) }
    if ingress != 0 && !bridges[0].covers(bus: bus) { return .forward(ports: [0], toType0: false) }
    return nil
  }

  private func routeConfiguration(_ tlp: TLP, ingress: Int) -> Route? {
    guard ingress == 0 else { return nil }  // configuration requests only travel downstream
    let target = tlp.target
    let type1 = tlp.kind == .configRead1 || tlp.kind == .configWrite1
    if !type1 { return target.function == 0 ? .ownBridge(0) : nil }
    let bus = Int(target.bus)
    if bus == bridges[0].secondary {
      return target.function == 0 && Int(target.device) < bridges.count - 1 ? .ownBridge(Int(target.device) + 1) : nil
    }
    guard bridges[0].covers(bus: bus), let port = lowestDownstream(excluding: 0, { $0.covers(bus: bus) }) else { return nil }
    if bus == bridges[port].secondary {
      return target.device == 0 ? .forward(ports: [port], toType0: true) : nil
    }
    return .forward(ports: [port], toType0: false)
  }
}
