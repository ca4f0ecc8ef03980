import HDL
import PCIe
import TierModel

/// The Type 0 identity of the memory-tier controller's PCIe function: BAR 0 (slots 0–1) a 64-bit
/// prefetchable BAR over the unified space (its size rounded up to a power of two), BAR 1
/// (slot 2) a 32-bit 4 KiB BAR for the registers. Class 0x058000 (memory controller, other).
public func tierEndpointIdentity(shape: TierShape, vendorID: Int = 0x1AB4, deviceID: Int = 0x7E01, revisionID: Int = 0,
                                 maxPayloadBytes: Int = 256) -> EndpointIdentity {
  let spaceBytes = UInt64(max(shape.pageCount, 1)) << UInt64(shape.pageShift)
  let barBytes = max(4096, spaceBytes & (spaceBytes - 1) == 0 ? spaceBytes : 1 << (64 - (spaceBytes - 1).leadingZeroBitCount))
  return EndpointIdentity(vendorID: vendorID, deviceID: deviceID, revisionID: revisionID, classCode: 0x05_80_00,
                          bars: [BARSpec(bytes: barBytes, is64Bit: true, prefetchable: true), BARSpec(bytes: 4096)],
                          maxPayloadBytes: maxPayloadBytes)
}

/// The memory-tier controller's PCIe function: `pcieEndpoint` with `tierEndpointIdentity`'s BARs
/// and `tierPCIeAdapter` behind them. Link side: the endpoint's ports (`link_in`, `link_out`,
/// `link_fc_*`, `link_rx_fc_*`), to plug into a `pcieSwitch` port with `connectLink`.
/// Controller side: the request port (`req_*`, `wdata_*`, `rsp_*`) and `mmio`, to wire to
/// `tierController`'s ports of the same names.
///
/// The link is `dataWidth` bits (64, 128 or 256: a switch's data path); the adapter works on
/// the controller's 64-bit beats, so a wider link gets a `tlpWidthNarrower` on each BAR's
/// stream and a `tlpWidthWidener` on the completions.
public func tierPCIeFunction(shape: TierShape, identity: EndpointIdentity? = nil, dataWidth: Int = 64,
                             file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  let identity = identity ?? tierEndpointIdentity(shape: shape)
  let endpoint = try pcieEndpoint(identity: identity, dataWidth: dataWidth, file: file, line: line)
  let registerWidth = try tierControllerRegisters(shape: shape).addressWidth
  let spaceBits = identity.bars[0].offsetBits
  let beatBits = bitsToHold(1 << (shape.pageShift - 3))
  return Module("tier_pcie_function", parameters: ["pages": shape.pageCount, "shift": shape.pageShift, "device": identity.deviceID,
                                                  "width": dataWidth]) { m in
    let e = m.instance(endpoint, name: "endpoint")
    let adapter = m.instance(tierPCIeAdapter(pageShift: shape.pageShift, spaceBits: spaceBits, registerAddressWidth: registerWidth,
                                             maxPayloadBytes: identity.maxPayloadBytes), name: "adapter")
    connect(m.port("link_in", TLPStream(dataWidth: dataWidth).flipped), to: e.interface("link_in", as: TLPStream.self))
    connect(e.interface("link_out", as: TLPStream.self), to: m.port("link_out", TLPStream(dataWidth: dataWidth)))
    e["link_fc_initialize"] <== m.input("link_fc_initialize")
    e["link_fc_update"] <== m.input("link_fc_update")
    for (t, type) in CreditType.allCases.enumerated() {
      let name = creditPortNames[t]
      e["link_fc_\(name)_advertised"] <== m.input("link_fc_\(name)_advertised", width: type.fieldSize)
      e["link_fc_\(name)_limit"] <== m.input("link_fc_\(name)_limit", width: type.fieldSize)
      m.output("link_rx_fc_\(name)_advertised", width: type.fieldSize) <== e["link_rx_fc_\(name)_advertised"]
      m.output("link_rx_fc_\(name)_allocated", width: type.fieldSize) <== e["link_rx_fc_\(name)_allocated"]
    }
    // The BARs' requests to the adapter and its completions back, at 64 bits.
    for (bar, stream) in [("bar0", "space"), ("bar1", "registers")] {
      if dataWidth == 64 {
        connect(e.interface(bar, as: TLPStream.self), to: adapter.interface(stream, as: TLPStream.self))
      } else {
        let narrower = m.instance(tlpWidthNarrower(from: dataWidth, to: 64), name: "\(bar)_narrower")
        connect(e.interface(bar, as: TLPStream.self), to: narrower.interface("in", as: TLPStream.self))
        connect(narrower.interface("out", as: TLPStream.self), to: adapter.interface(stream, as: TLPStream.self))
      }
    }
    adapter["space_offset"] <== e["bar0_offset"]
    adapter["registers_offset"] <== e["bar1_offset"]
    if dataWidth == 64 {
      connect(adapter.interface("completion", as: TLPStream.self), to: e.interface("completion", as: TLPStream.self))
    } else {
      let widener = m.instance(tlpWidthWidener(from: 64, to: dataWidth), name: "completion_widener")
      connect(adapter.interface("completion", as: TLPStream.self), to: widener.interface("in", as: TLPStream.self))
      connect(widener.interface("out", as: TLPStream.self), to: e.interface("completion", as: TLPStream.self))
    }
    adapter["id"] <== e["id"]
    adapter["max_payload_size"] <== e["max_payload_size"]
    e["signaled_completer_abort"] <== adapter["completer_abort"]
    connect(adapter.interface("mmio", as: MMIO.self), to: m.port("mmio", MMIO(addressWidth: registerWidth)))
    for (name, width) in [("req_valid", 1), ("req_write", 1), ("req_address", 64), ("req_beats", beatBits),
                          ("wdata_valid", 1), ("wdata_data", 64), ("wdata_strobe", 8), ("rsp_ready", 1)] {
      m.output(name, width: width) <== adapter[name]
    }
    for (name, width) in [("req_ready", 1), ("wdata_ready", 1), ("rsp_valid", 1), ("rsp_data", 64), ("rsp_last", 1), ("rsp_status", 2)] {
      adapter[name] <== m.input(name, width: width)
    }
    let unused = m.wire("unused_endpoint_outputs", width: 1 + 1 + 3)
    unused <== concat(e["memory_space_enable"], e["bus_master_enable"], e["max_read_request_size"])
  }
}
