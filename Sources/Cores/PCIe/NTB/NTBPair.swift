import HDL

/// Two NTB functions `a` and `b` joined back to back by their crosslink, as two nodes' NTB
/// ports are: for tests and benchmarks of the NTB protocol without the switches around them.
///
/// Ports: `a_local_in`/`a_local_out`, `a_mmio`, `a_irq`, `a_local_dropped_count`,
/// `a_peer_dropped_count`, the same for `b`, and the crosslink's `phy_up`, `link_speed`,
/// `link_width`, shared by both ends, and each function's Command bit `a_bus_master_enable`,
/// `b_bus_master_enable` (set them for traffic to reach a local side). With `linkLatency` > 0 each direction of the crosslink
/// passes a `tlpDelayLine` of that many cycles.
///
/// With `crosslinkCredits` the functions have credit-based flow control on the crosslink
/// (`NTBCrosslinkCredits`), joined by an `ntbCrosslink` of `linkLatency` cycles: each sends InitFC
/// in the first cycle the link is up and UpdateFC every cycle after, on sideband wires delayed by
/// the same latency, and flow control restarts when `phy_up` falls and rises; each side's local room per
/// class is an input (`a_local_room_posted`, `_non_posted`, `_completion`, `EgressRoom` values).
public func ntbPair(layout: NTBLayout, dataWidth: Int, linkLatency: Int = 0, crosslinkCredits: NTBCrosslinkCredits? = nil) throws -> Module {
  let function = try ntbFunction(layout: layout, dataWidth: dataWidth, crosslinkCredits: crosslinkCredits)
  let parameters: KeyValuePairs<String, any CustomStringConvertible> = crosslinkCredits == nil
    ? ["latency": linkLatency] : ["latency": linkLatency, "credits": crosslinkCredits!.nameSuffix.dropFirst(3)]
  return Module("ntb_pair", parameters: parameters) { m in
    let a = m.instance(function, name: "node_a"), b = m.instance(function, name: "node_b")
    let phyUp = m.input("phy_up"), speed = m.input("link_speed", width: 4), width = m.input("link_width", width: 6)
    for (side, name) in [(a, "a"), (b, "b")] {
      side["phy_up"] <== phyUp
      side["link_speed"] <== speed
      side["link_width"] <== width
      side["bus_master_enable"] <== m.input("\(name)_bus_master_enable")
      connect(m.port("\(name)_local_in", TLPStream(dataWidth: dataWidth).flipped), to: side.interface("local_in", as: TLPStream.self))
      connect(side.interface("local_out", as: TLPStream.self), to: m.port("\(name)_local_out", TLPStream(dataWidth: dataWidth)))
      connect(m.port("\(name)_mmio", MMIO(addressWidth: side["mmio_address"].width).flipped), to: side.interface("mmio", as: MMIO.self))
      m.output("\(name)_irq", width: NTBLayout.vectors) <== side["irq"]
      m.output("\(name)_local_dropped_count", width: 16) <== side["local_dropped_count"]
      m.output("\(name)_peer_dropped_count", width: 16) <== side["peer_dropped_count"]
      if crosslinkCredits != nil {
        for room in EgressRoom.classNames { side["local_room_\(room)"] <== m.input("\(name)_local_room_\(room)", width: EgressRoom.width) }
      }
    }
    if crosslinkCredits != nil {
      // TLPs and credits through one `ntbCrosslink`, which restarts flow control at every link up.
      let link = m.instance(ntbCrosslink(latency: linkLatency, dataWidth: dataWidth), name: "crosslink")
      link["up"] <== phyUp
      for (side, name) in [(a, "a"), (b, "b")] {
        connect(side.interface("peer_out", as: TLPStream.self), to: link.interface("\(name)_out", as: TLPStream.self))
        connect(link.interface("\(name)_in", as: TLPStream.self), to: side.interface("peer_in", as: TLPStream.self))
        for port in NTBCrosslinkCredits.sidebandInputs { side["peer_\(port.name)"] <== link["\(name)_\(port.name)"] }
        for port in NTBCrosslinkCredits.sidebandOutputs { link["\(name)_\(port.name)"] <== side["peer_\(port.name)"] }
      }
    } else {
      for (from, to, name) in [(a, b, "a_to_b"), (b, a, "b_to_a")] {
        if linkLatency > 0 {
          let line = m.instance(tlpDelayLine(cycles: linkLatency, dataWidth: dataWidth), name: name)
          connect(from.interface("peer_out", as: TLPStream.self), to: line.interface("in", as: TLPStream.self))
          connect(line.interface("out", as: TLPStream.self), to: to.interface("peer_in", as: TLPStream.self))
        } else {
          connect(from.interface("peer_out", as: TLPStream.self), to: to.interface("peer_in", as: TLPStream.self))
        }
      }
    }
  }
}

