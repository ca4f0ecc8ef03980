import Board
import HDL

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
///   addresses outside every block's window complete at once with `error`;
/// - `host_*`: the switch's upstream port (port 0) to the node's SoC root complex, and
///   `link<k>_*` for k in 1...`switch.downstream_ports`: the local downstream ports (the names and
///   meanings of `pcieSwitch`'s `link<k>_*`);
/// - `ntb<j>_peer_in`, `ntb<j>_peer_out` (TLP streams) and `ntb<j>_phy_up` for each of the
///   `NodeCrosslinks.ntbPortsPerNode` NTB ports: the crosslink side of the NTB endpoint on switch
///   port 1 + downstream_ports + j; `ntb<j>_local_dropped`, `ntb<j>_peer_dropped` its counters;
/// - `irq`: the node's interrupt line to its management processor (any enabled pending cause;
///   INTERRUPT_STATUS.DOORBELL is set while any NTB port raises any of its vectors);
/// - `cores_reset`: held for `softResetCycles` after a soft reset request, for the node's cores.
public func nodeTop(board: Board, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("\(board.name)_node", file: file, line: line) { m in
    let mapResult = Result { try systemControlRegisters(boardID: Int(board.id), baseAddress: board.management.mmioBase) }
    let switchResult = Result { try pcieSwitch(SwitchParameters(board: board)) }
    let ntbPorts = NodeCrosslinks.ntbPortsPerNode(board)
    let ntbResult = Result { try ntbEndpoint(layout: NTBLayout(board.ntb), vendorID: nodeNTBVendorID, deviceID: nodeNTBDeviceID,
                                             dataWidth: board.datapathBits, maxLinkSpeed: SwitchParameters.linkSpeedEncoding(board),
                                             maxLinkWidth: board.switchConfig.linkWidth) }
    m.require((try? mapResult.get()) != nil, "the nodes of board `\(board.name)`: \((mapResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    m.require((try? switchResult.get()) != nil, "the switch of board `\(board.name)`: \((switchResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    m.require(ntbPorts == 0 || (try? ntbResult.get()) != nil,
              "the NTB ports of board `\(board.name)`: \((ntbResult.failure).map { "\($0)" } ?? "")", file: file, line: line)
    m.require(ntbPorts <= NodeAddressMap.maxNTBPorts,
              "board `\(board.name)`: a node has \(ntbPorts) crosslinks and cables in ntb.links and ntb.cables; the management "
                + "window holds \(NodeAddressMap.maxNTBPorts) NTB ports: use fewer per node", file: file, line: line)
    if let map = try? mapResult.get(), let pcie = try? switchResult.get(), ntbPorts <= NodeAddressMap.maxNTBPorts {
      NodeBody(m: m, board: board, map: map, pcieSwitch: pcie, ntb: try? ntbResult.get(), ntbPorts: ntbPorts).statements()
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

    // Address decoding: the system controller owns the low window, the switch its 8 KiB, each
    // NTB port 64 KiB from 0x10000.
    inSystemControl <== mgmt.address[blockBits..<NodeAddressMap.addressWidth] == 0
    inSwitch <== mgmt.address[switchBits..<NodeAddressMap.addressWidth] == NodeAddressMap.pcieSwitch.lowerBound >> switchBits
    for (j, selected) in inNTB.enumerated() {
      selected <== mgmt.address[ntbWindowBits..<NodeAddressMap.addressWidth] == NodeAddressMap.ntb(j).lowerBound >> ntbWindowBits
    }
    let buses = [(inSystemControl, bus, blockBits), (inSwitch, switchBus, switchBits)]
      + zip(inNTB, ntbBuses).map { ($0, $1, $1.address.width) }
    for (selected, target, bits) in buses {
      target.valid <== mgmt.valid && selected
      target.write <== mgmt.write
      target.address <== mgmt.address[0..<bits]
      target.writeData <== mgmt.writeData
      target.strobe <== mgmt.strobe
    }
    mgmt.ready <== priority(buses.map { ($0.0, $0.1.ready) }, otherwise: mgmt.valid)
    mgmt.readData <== priority(buses.map { ($0.0, $0.1.readData) }, otherwise: .zero(width: 32))
    mgmt.error <== priority(buses.map { ($0.0, $0.1.error) }, otherwise: mgmt.valid)

    // The switch's ports: the host's upstream link, the local downstream links, the NTB endpoints.
    SwitchLinkPorts.passThrough(m, child: pcie, inner: "link0", outer: "host", dataWidth: dataWidth)
    for k in 0..<board.switchConfig.downstreamPorts {
      SwitchLinkPorts.passThrough(m, child: pcie, inner: "link\(k + 1)", outer: "link\(k + 1)", dataWidth: dataWidth)
    }
    for (j, endpoint) in ntbs.enumerated() {
      connectLink(m, switch: pcie, port: NodeCrosslinks.switchPort(ntbPort: j, board), to: endpoint,
                  speed: SwitchParameters.linkSpeedEncoding(board), width: board.switchConfig.linkWidth)
      connect(m.port("ntb\(j)_peer_in", TLPStream(dataWidth: dataWidth).flipped), to: endpoint.interface("peer_in", as: TLPStream.self))
      connect(endpoint.interface("peer_out", as: TLPStream.self), to: m.port("ntb\(j)_peer_out", TLPStream(dataWidth: dataWidth)))
      endpoint["phy_up"] <== m.input("ntb\(j)_phy_up")
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
    // DOORBELL_STATUS say which). LINK_CHANGE, DMA_DONE and TIER_ERROR arrive with the link
    // monitor and the tier controller; until then nothing raises them.
    for cause in causes {
      if cause == "doorbell" && !ntbs.isEmpty {
        sysctl["interrupt_status_\(cause)_set"] <== (concat(ntbs.map { $0["irq"] }) != 0)
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
