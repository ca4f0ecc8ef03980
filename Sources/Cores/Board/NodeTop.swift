import Board
import HDL
import TierModel

/// The management address space of a node as seen on its `mgmt` port: byte offsets from the
/// board's `management.mmio_base`.
public enum NodeAddressMap {
  /// Width of a node's management address (a 1 MiB window).
  public static let addressWidth = 20
  /// The system controller's registers.
  public static let systemControl: ClosedRange<Int> = 0x0000...0x00FF
  /// The PCIe switch's management port (`SwitchManagementMap`): its registers from 0x2000, the
  /// bridges' configuration blocks from 0x3000.
  public static let pcieSwitch: ClosedRange<Int> = 0x2000...0x3FFF
  /// Bytes of each NTB port's register window (`ntbRegisters`; the lookup table of up to 1024
  /// entries ends below 0x5000).
  public static let ntbWindowBytes = 0x10000
  /// NTB port `j`'s registers (`NTBLayout`'s offsets from here): 0x10000 + 0x10000·j, for
  /// j below `maxNTBPorts`.
  public static func ntb(_ j: Int) -> ClosedRange<Int> { (j + 1) * ntbWindowBytes...(j + 2) * ntbWindowBytes - 1 }
  /// NTB ports the address space has room for (a full mesh of 8 nodes needs 7).
  public static let maxNTBPorts = (1 << addressWidth) / ntbWindowBytes - 1
  /// The memory-tier controller's registers (`tierControllerRegisters`, `TierRegister` offsets
  /// from here): `tierRegistersOffset` up to the end of its 4 KiB (the size of the tier function's
  /// register BAR). Only the block's own offsets answer; the rest of the window completes with `error`.
  public static let tierController: ClosedRange<Int> = Int(tierRegistersOffset)...Int(tierRegistersOffset) + 0xFFF
}

/// The credit-based flow control on every NTB crosslink and cable of `board` (issue #6): credits
/// for the full bandwidth of a link of `ntb.link_latency_cycles` each way on the board's data path,
/// and at least one `switch.max_payload_bytes` TLP.
public func crosslinkCredits(_ board: Board) -> NTBCrosslinkCredits {
  NTBCrosslinkCredits(linkLatency: board.ntb.linkLatencyCycles, dataWidth: board.datapathBits,
                      maxPayloadBytes: board.switchConfig.maxPayloadBytes)
}

/// Width of a node's index strap (NODE.INDEX).
public let nodeIndexWidth = 8

/// Cycles the node's cores are held in reset after software writes CONTROL.SOFT_RESET.
public let softResetCycles = 16

/// Vendor and Device ID of a node's NTB endpoints (the switch's vendor, the device after its bridges').
public let nodeNTBVendorID = SwitchParameters.vendorID
public let nodeNTBDeviceID = 0x5A02

/// One node of the board: its management port and the blocks behind it.
///
/// Every node of a board is the same module; the board straps each instance's `node_index`.
///
/// Ports:
/// - `node_index`: the node's place on the board, read back in NODE.INDEX;
/// - `mgmt`: MMIO responder, `NodeAddressMap.addressWidth`-bit byte addresses (`NodeAddressMap`);
///   addresses outside every block's window complete at once with `error`; the tier controller's
///   registers answer in an access's second cycle, the other blocks in its first;
/// - `host_*`: the switch's upstream port (port 0) to the node's SoC root complex, and
///   `link<k>_*` for k in 2...`switch.downstream_ports`: the local downstream ports left for other
///   endpoints (the names and meanings of `pcieSwitch`'s `link<k>_*`); port 1 is the memory-tier
///   controller's PCIe function (`tierPCIeFunction`, Type 0, class 0x058000: BAR 0 the unified
///   space of `tiers.mapped_size`, BAR 1 its registers);
/// - `tier_<tier>_*` for tier `dram`, `flash`, `disk`: the tier controller's backing-store ports,
///   the request path's (`req_*`, `wdata_*`, `rsp_*`) and the DMA engine's copy channels (`rd_*`,
///   `wr_*`), as `tierController` names them after `<tier>_` (`TierStorePorts`);
/// - `ntb<j>_peer_in`, `ntb<j>_peer_out` (TLP streams) and `ntb<j>_phy_up` for each of the
///   `NodeCrosslinks.ntbPortsPerNode` NTB ports: the crosslink side of the NTB endpoint on switch
///   port 1 + downstream_ports + j; `ntb<j>_peer_fc_*` (in) and `ntb<j>_peer_rx_fc_*` (out), the
///   crosslink's credit sideband (`crosslinkCredits(_:)`, joined to the peer's by `ntbCrosslink`);
///   `ntb<j>_local_dropped`, `ntb<j>_peer_dropped` its counters;
/// - `irq`: the node's interrupt line to its management processor (any enabled pending cause;
///   INTERRUPT_STATUS.DOORBELL is set while any NTB port raises any of its vectors, DMA_DONE while
///   the tier controller's DMA_DONE is pending and enabled, TIER_ERROR while its PAGE_FAULT,
///   DMA_ERROR or HOT_OVERFLOW is);
/// - `cores_reset`: held for `softResetCycles` after a soft reset request, for the node's cores.
public func nodeTop(board: Board, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("\(board.name)_node", file: file, line: line) { m in
    let mapResult = Result { try systemControlRegisters(boardID: Int(board.id), baseAddress: board.management.mmioBase) }
    let switchResult = Result { try pcieSwitch(SwitchParameters(board: board)) }
    let ntbPorts = NodeCrosslinks.ntbPortsPerNode(board)
    let ntbResult = Result { try ntbEndpoint(layout: NTBLayout(board.ntb), vendorID: nodeNTBVendorID, deviceID: nodeNTBDeviceID,
                                             dataWidth: board.datapathBits, maxLinkSpeed: SwitchParameters.linkSpeedEncoding(board),
                                             maxLinkWidth: board.switchConfig.linkWidth, maxPayloadBytes: board.switchConfig.maxPayloadBytes,
                                             crosslinkCredits: crosslinkCredits(board)) }
    let shape = TierShape(board: board)
    let tierResult = Result {
      try tierPCIeFunction(shape: shape, identity: tierEndpointIdentity(shape: shape, maxPayloadBytes: min(board.switchConfig.maxPayloadBytes, 256)),
                           dataWidth: board.datapathBits)
    }
    m.require((try? tierResult.get()) != nil, "the tier controller of board `\(board.name)`: \((tierResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    m.require((try? mapResult.get()) != nil, "the nodes of board `\(board.name)`: \((mapResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    m.require((try? switchResult.get()) != nil, "the switch of board `\(board.name)`: \((switchResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    m.require(ntbPorts == 0 || (try? ntbResult.get()) != nil,
              "the NTB ports of board `\(board.name)`: \((ntbResult.failure).map { "\($0)" } ?? "")", file: file, line: line)
    m.require(ntbPorts <= NodeAddressMap.maxNTBPorts,
              "board `\(board.name)`: a node has \(ntbPorts) crosslinks and cables in ntb.links and ntb.cables; the management "
                + "window holds \(NodeAddressMap.maxNTBPorts) NTB ports: use fewer per node", file: file, line: line)
    if let map = try? mapResult.get(), let pcie = try? switchResult.get(), let tierFunction = try? tierResult.get(),
       ntbPorts <= NodeAddressMap.maxNTBPorts {
      NodeBody(m: m, board: board, map: map, pcieSwitch: pcie, ntb: try? ntbResult.get(), ntbPorts: ntbPorts,
               tierFunction: tierFunction, tierShape: shape).statements()
    }
  }
}

private extension Result {
  var failure: Failure? { if case .failure(let e) = self { return e } else { return nil } }
}

/// Builds a node's body around its system controller.
private struct NodeBody {
  let m: ModuleBuilder
  let board: Board
  let map: RegisterMap
  let pcieSwitch: Module
  let ntb: Module?
  let ntbPorts: Int
  let tierFunction: Module
  let tierShape: TierShape

  var dataWidth: Int { board.datapathBits }

  @StatementBuilder
  func statements() -> [Statement] {
    let nodeIndex = m.input("node_index", width: nodeIndexWidth)
    let mgmt = m.port("mgmt", MMIO(addressWidth: NodeAddressMap.addressWidth).flipped)
    let irq = m.output("irq")
    let coresReset = m.output("cores_reset")
    let sysctl = m.instance(registerBlock(map), name: "system_control")
    let bus = sysctl.interface("mmio", as: MMIO.self)
    let blockBits = map.addressWidth
    let inSystemControl = m.wire("in_system_control")
    let cycles = m.register("cycle_count", width: 64)
    let resetTimer = m.register("soft_reset_timer", width: bitsToHold(softResetCycles))

    let pcie = m.instance(pcieSwitch, name: "pcie_switch")
    let switchBus = pcie.interface("mgmt", as: MMIO.self)
    let switchBits = SwitchManagementMap.addressWidth
    let inSwitch = m.wire("in_pcie_switch")
    let ntbs = ntb.map { module in (0..<ntbPorts).map { m.instance(module, name: "ntb_endpoint\($0)") } } ?? []
    let ntbBuses = ntbs.map { $0.interface("mmio", as: MMIO.self) }
    let ntbWindowBits = NodeAddressMap.ntbWindowBytes.trailingZeroBitCount
    let inNTB = (0..<ntbs.count).map { m.wire("in_ntb\($0)") }
    let tierPCIe = m.instance(tierFunction, name: "tier_function")
    let tier = m.instance(tierController(shape: tierShape, frames: tierFrames(board: board)), name: "tier_controller")
    let tierBus = tier.interface("mmio", as: MMIO.self)
    let tierBits = tierBus.address.width
    let tierRegisters = m.instance(mmioArbiter(addressWidth: tierBits), name: "tier_registers")
    let tierWindow = tierRegisters.interface("a", as: MMIO.self)
    let inTier = m.wire("in_tier_controller")

    // Address decoding: the system controller owns the low window, the switch its 8 KiB, the
    // tier controller its block from 0x8000, each NTB port 64 KiB from 0x10000.
    inSystemControl <== mgmt.address[blockBits..<NodeAddressMap.addressWidth] == 0
    inSwitch <== mgmt.address[switchBits..<NodeAddressMap.addressWidth] == NodeAddressMap.pcieSwitch.lowerBound >> switchBits
    inTier <== mgmt.address[tierBits..<NodeAddressMap.addressWidth] == NodeAddressMap.tierController.lowerBound >> tierBits
    for (j, selected) in inNTB.enumerated() {
      selected <== mgmt.address[ntbWindowBits..<NodeAddressMap.addressWidth] == NodeAddressMap.ntb(j).lowerBound >> ntbWindowBits
    }
    // The tier controller's window answers in the second cycle of an access: its MAP_ENTRY shows
    // MAP_INDEX's entry as of the previous clock edge (the map is a memory with a registered read
    // port), so a read right after the index write would see the old page's entry.
    let tierWaited = m.register("tier_wait_state")
    let tierWaiting = m.wire("tier_waiting")
    tierWaiting <== inTier && !tierWaited
    tierWaited <== mgmt.valid && tierWaiting
    let tierPresented = m.wire("tier_presented")
    tierPresented <== inTier && tierWaited
    let buses = [(inSystemControl, bus, blockBits), (inSwitch, switchBus, switchBits), (tierPresented, tierWindow, tierBits)]
      + zip(inNTB, ntbBuses).map { ($0, $1, $1.address.width) }
    for (selected, target, bits) in buses {
      target.valid <== mgmt.valid && selected
      target.write <== mgmt.write
      target.address <== mgmt.address[0..<bits]
      target.writeData <== mgmt.writeData
      target.strobe <== mgmt.strobe
    }
    mgmt.ready <== priority([(tierWaiting, Signal.low)] + buses.map { ($0.0, $0.1.ready) }, otherwise: mgmt.valid)
    mgmt.readData <== priority(buses.map { ($0.0, $0.1.readData) }, otherwise: .zero(width: 32))
    mgmt.error <== priority([(tierWaiting, Signal.low)] + buses.map { ($0.0, $0.1.error) }, otherwise: mgmt.valid)

    // The switch's ports: the host's upstream link, the tier function, the other local
    // downstream links, the NTB endpoints.
    SwitchLinkPorts.passThrough(m, child: pcie, inner: "link0", outer: "host", dataWidth: dataWidth)
    connectLink(m, switch: pcie, port: 1, to: tierPCIe, speed: SwitchParameters.linkSpeedEncoding(board), width: board.switchConfig.linkWidth)
    for k in 1..<board.switchConfig.downstreamPorts {
      SwitchLinkPorts.passThrough(m, child: pcie, inner: "link\(k + 1)", outer: "link\(k + 1)", dataWidth: dataWidth)
    }

    // The tier controller: requests from its PCIe function's BAR 0, registers from BAR 1 and
    // from the management window (one access at a time), its stores out of the node.
    connect(tierPCIe.interface("mmio", as: MMIO.self), to: tierRegisters.interface("b", as: MMIO.self))
    connect(tierRegisters.interface("out", as: MMIO.self), to: tierBus)
    for name in TierStorePorts.requestPort.fromFunction { tier[name] <== tierPCIe[name] }
    for name in TierStorePorts.requestPort.toFunction { tierPCIe[name] <== tier[name] }
    for store in TierStorePorts.tiers {
      for name in TierStorePorts.inputs { tier["\(store)_\(name)"] <== m.input("tier_\(store)_\(name)", width: tier["\(store)_\(name)"].width) }
      for name in TierStorePorts.outputs { m.output("tier_\(store)_\(name)", width: tier["\(store)_\(name)"].width) <== tier["\(store)_\(name)"] }
    }
    let unusedTierIRQ = m.wire("unused_tier_irq", width: 2)
    unusedTierIRQ <== concat(tier["irq"], tier["irq_causes"][3])
    for (j, endpoint) in ntbs.enumerated() {
      connectLink(m, switch: pcie, port: NodeCrosslinks.switchPort(ntbPort: j, board), to: endpoint,
                  speed: SwitchParameters.linkSpeedEncoding(board), width: board.switchConfig.linkWidth)
      connect(m.port("ntb\(j)_peer_in", TLPStream(dataWidth: dataWidth).flipped), to: endpoint.interface("peer_in", as: TLPStream.self))
      connect(endpoint.interface("peer_out", as: TLPStream.self), to: m.port("ntb\(j)_peer_out", TLPStream(dataWidth: dataWidth)))
      endpoint["phy_up"] <== m.input("ntb\(j)_phy_up")
      for port in NTBCrosslinkCredits.sidebandInputs { endpoint["peer_\(port.name)"] <== m.input("ntb\(j)_peer_\(port.name)", width: port.width) }
      for port in NTBCrosslinkCredits.sidebandOutputs { m.output("ntb\(j)_peer_\(port.name)", width: port.width) <== endpoint["peer_\(port.name)"] }
      endpoint["link_speed"] <== Signal.constant(SwitchParameters.linkSpeedEncoding(board), width: 4)
      endpoint["link_width"] <== Signal.constant(board.switchConfig.linkWidth, width: 6)
      m.output("ntb\(j)_local_dropped", width: 16) <== endpoint["local_dropped_count"]
      m.output("ntb\(j)_peer_dropped", width: 16) <== endpoint["peer_dropped_count"]
    }
    if !ntbs.isEmpty {
      let ids = m.wire("unused_ntb_ids", width: 16 * ntbs.count)
      ids <== concat(ntbs.map { $0["id"] })
    }

    sysctl["node_index_in"] <== nodeIndex

    // The free-running cycle counter behind CYCLE_COUNT_LOW/HIGH.
    cycles <== cycles + 1
    sysctl["cycle_count_low_value_in"] <== cycles[0..<32]
    sysctl["cycle_count_high_value_in"] <== cycles[32..<64]

    // Interrupt causes: DOORBELL while any NTB vector is raised (level, so that clearing the
    // NTB's own status first and then INTERRUPT_STATUS loses nothing; the NTB's EVENT_STATUS and
    // DOORBELL_STATUS say which). DMA_DONE and TIER_ERROR likewise from the tier controller's
    // enabled pending causes (its INTERRUPT_STATUS says which; HOT_LEVEL, not an error, is left
    // to its own `irq`). LINK_CHANGE while the switch's management LINK_CHANGE has a bit set.
    let tierCause = { (name: String) in tier["irq_causes"][tierInterrupts.firstIndex { $0.name == name } ?? 0] }
    for cause in causes {
      if cause == "doorbell" && !ntbs.isEmpty {
        sysctl["interrupt_status_\(cause)_set"] <== (concat(ntbs.map { $0["irq"] }) != 0)
      } else if cause == "dma_done" {
        sysctl["interrupt_status_\(cause)_set"] <== tierCause("DMA_DONE")
      } else if cause == "link_change" {
        sysctl["interrupt_status_\(cause)_set"] <== pcie["link_change"]
      } else if cause == "tier_error" {
        sysctl["interrupt_status_\(cause)_set"] <== tierCause("PAGE_FAULT") || tierCause("DMA_ERROR") || tierCause("HOT_OVERFLOW")
      } else {
        sysctl["interrupt_status_\(cause)_set"] <== false
      }
    }
    irq <== ((concat(interruptBits(sysctl, "status")) & concat(interruptBits(sysctl, "enable"))) != 0)

    // Soft reset: hold the cores in reset for a fixed time, then acknowledge the request.
    when(sysctl["control_soft_reset_out"] && resetTimer == 0) { resetTimer <== softResetCycles }
      .elseWhen(resetTimer != 0) { resetTimer <== resetTimer - 1 }
    coresReset <== resetTimer != 0
    sysctl["control_soft_reset_clear"] <== resetTimer == 1
  }

  /// The interrupt causes as they appear in port names: `doorbell`, `link_change`, ...
  private var causes: [String] { systemControlInterrupts.map { $0.name.lowercased() } }

  private func interruptBits(_ sysctl: Instance, _ register: String) -> [Signal] {
    causes.map { sysctl["interrupt_\(register)_\($0)_out"] }
  }
}
