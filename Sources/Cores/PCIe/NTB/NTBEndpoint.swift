import HDL
import PCIe

/// The NTB function as a PCI Express endpoint: `pcieEndpoint` (a Type 0 function, class
/// 0x068000 "other bridge" as Switchtec's NTB endpoints report, `requester: true`) with one
/// 64-bit prefetchable BAR0 over the memory windows, in front of `ntbFunction`.
///
/// Ports: the shell's link side (`link_in`, `link_out`, `link_fc_*`, `link_rx_fc_*`, `id`) and
/// the function's `mmio`, `irq`, `phy_up`, `link_speed`, `link_width`, `peer_in`, `peer_out`,
/// `local_dropped_count`, `peer_dropped_count`.
///
/// A request that hits BAR0 reaches the function with its address replaced by its offset in
/// the BAR, so APERTURE_BASE stays 0 and window w is the BAR's w-th window-sized slice. Requests
/// the function sends towards the local side (from the peer, and MSIs) and its completions leave
/// through the shell's egress; completions for its proxy IDs (Requester bus = the endpoint's
/// bus) come back from the shell. Firmware writes NTB_IDENTITY.LOCAL_BUS with the endpoint's bus
/// number (the bus of `id`, which enumeration gave it).
///
/// The shell's receive buffer advertises data credits for two `maxPayloadBytes` writes per
/// class, as the switch's own ports do (`SwitchParameters`): with room for one only, the
/// switch waits out the UpdateFC round trip after every write and a window stream of
/// back-to-back writes loses a cycle or two per TLP.
///
/// With `crosslinkCredits` the function has credit-based flow control on its crosslink
/// (`NTBCrosslinkCredits`): ports `peer_fc_*` in and `peer_rx_fc_*` out (the names of a switch
/// port's flow-control pins after `peer_`, joined to the peer's by `ntbCrosslink`), and the
/// function's local room per class is the shell egress's, so a peer TLP the switch side cannot
/// take now is refused and another class's passes (the shell's merge lets it withdraw the offer).
public func ntbEndpoint(layout: NTBLayout, vendorID: Int, deviceID: Int, dataWidth: Int, maxLinkSpeed: Int = 3,
                        maxLinkWidth: Int = 4, maxPayloadBytes: Int = 256, crosslinkCredits: NTBCrosslinkCredits? = nil) throws -> Module {
  var barBytes: UInt64 = 4096
  while barBytes < UInt64(layout.apertureSize) { barBytes <<= 1 }
  let identity = EndpointIdentity(vendorID: vendorID, deviceID: deviceID, classCode: 0x06_80_00,
                                  bars: [BARSpec(bytes: barBytes, is64Bit: true, prefetchable: true)],
                                  maxLinkSpeed: maxLinkSpeed, maxLinkWidth: maxLinkWidth)
  let headerCredits = 8, dataCredits = 2 * maxPayloadBytes / 16
  let shellModule = try pcieEndpoint(identity: identity, dataWidth: dataWidth,
                                     receiveDepth: headerCredits + (4 * dataCredits * 32 + dataWidth - 1) / max(dataWidth, 32),
                                     headerCredits: headerCredits, dataCredits: dataCredits, requester: true,
                                     roomAware: crosslinkCredits != nil)
  let functionModule = try ntbFunction(layout: layout, dataWidth: dataWidth, crosslinkCredits: crosslinkCredits)
  let credits = crosslinkCredits.map { [$0.headerCredits, $0.dataCredits, $0.receiveDepth, $0.egressDepth] } ?? []
  return Module("ntb_endpoint", parameters: ["vendor": vendorID, "device": deviceID, "speed": maxLinkSpeed, "width": maxLinkWidth,
                                              "design": stableDigest([layout.memoryWindows, layout.windowSizeLog2, layout.lutEntries,
                                                                      layout.scratchpads, layout.doorbells, dataWidth, maxPayloadBytes] + credits)]) { m in
    let shell = m.instance(shellModule, name: "shell")
    let function = m.instance(functionModule, name: "ntb")
    let stream = TLPStream(dataWidth: dataWidth)

    // The link side, as the shell has it.
    connect(m.port("link_in", stream.flipped), to: shell.interface("link_in", as: TLPStream.self))
    connect(shell.interface("link_out", as: TLPStream.self), to: m.port("link_out", stream))
    shell["link_fc_initialize"] <== m.input("link_fc_initialize")
    shell["link_fc_update"] <== m.input("link_fc_update")
    for (t, type) in CreditType.allCases.enumerated() {
      let name = creditPortNames[t]
      shell["link_fc_\(name)_advertised"] <== m.input("link_fc_\(name)_advertised", width: type.fieldSize)
      shell["link_fc_\(name)_limit"] <== m.input("link_fc_\(name)_limit", width: type.fieldSize)
      m.output("link_rx_fc_\(name)_advertised", width: type.fieldSize) <== shell["link_rx_fc_\(name)_advertised"]
      m.output("link_rx_fc_\(name)_allocated", width: type.fieldSize) <== shell["link_rx_fc_\(name)_allocated"]
    }
    m.output("id", width: 16) <== shell["id"]
    shell["signaled_completer_abort"] <== false
    // The function issues requests on the link (a peer's, MSIs) only as a bus master.
    function["bus_master_enable"] <== shell["bus_master_enable"]
    let unused = m.wire("unused_shell_outputs", width: 7)
    unused <== concat(shell["memory_space_enable"], shell["max_payload_size"], shell["max_read_request_size"])

    // BAR0 hits, with the offset as their address (4DW header), and completions for the function.
    // Both are views of the shell's one receive stream, never valid together, so a plain mux
    // joins them: the receiver may withdraw an offer before it is taken (a posted TLP passing
    // a stalled completion, §2.4.1), and a merge that locks onto an offer would wait forever.
    let bar = shell.interface("bar0", as: TLPStream.self)
    let completions = shell.interface("requester_completion", as: TLPStream.self)
    let toFunction = function.interface("local_in", as: TLPStream.self)
    let offset = shell["bar0_offset"].zeroExtended(to: 64)
    let fields = TLPHeaderFields(bar.header)
    let hints = mux(fields.fourDW, bar.header[0..<2], bar.header[32..<34])
    let hitHeader = concat(bar.header[126..<128], Signal.high, bar.header[64..<125], offset[32..<64], offset[2..<32], hints)
    toFunction.valid <== bar.valid || completions.valid
    toFunction.header <== mux(bar.valid, hitHeader, completions.header)
    toFunction.data <== mux(bar.valid, bar.data, completions.data)
    toFunction.strobe <== mux(bar.valid, bar.strobe, completions.strobe)
    toFunction.start <== mux(bar.valid, bar.start, completions.start)
    toFunction.end <== mux(bar.valid, bar.end, completions.end)
    bar.ready <== toFunction.ready
    completions.ready <== toFunction.ready
    connect(function.interface("local_out", as: TLPStream.self), to: shell.interface("completion", as: TLPStream.self))

    // The function's own ports.
    connect(m.port("mmio", MMIO(addressWidth: function["mmio_address"].width).flipped), to: function.interface("mmio", as: MMIO.self))
    connect(m.port("peer_in", stream.flipped), to: function.interface("peer_in", as: TLPStream.self))
    connect(function.interface("peer_out", as: TLPStream.self), to: m.port("peer_out", stream))
    m.output("irq", width: NTBLayout.vectors) <== function["irq"]
    m.output("local_dropped_count", width: 16) <== function["local_dropped_count"]
    m.output("peer_dropped_count", width: 16) <== function["peer_dropped_count"]
    function["phy_up"] <== m.input("phy_up")
    function["link_speed"] <== m.input("link_speed", width: 4)
    function["link_width"] <== m.input("link_width", width: 6)
    if crosslinkCredits != nil {
      for room in EgressRoom.classNames { function["local_room_\(room)"] <== shell["room_\(room)"] }
      for port in NTBCrosslinkCredits.sidebandInputs { function["peer_\(port.name)"] <== m.input("peer_\(port.name)", width: port.width) }
      for port in NTBCrosslinkCredits.sidebandOutputs { m.output("peer_\(port.name)", width: port.width) <== function["peer_\(port.name)"] }
    }
  }
}
