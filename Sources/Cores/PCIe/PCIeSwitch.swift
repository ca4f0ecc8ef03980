import HDL
import PCIe

/// Cycles a refused management configuration request waits before it is offered again.
let requestBackoffCycles = 8

/// A switch with one upstream port (0) and `identities.count - 1` ≥ 1 downstream ports: a
/// virtual bridge per port (`bridgeConfigSpace`), a receiver and an ingress stage per port, the
/// configuration completer, and per port a `tlpMerge` in front of the egress stage. With three
/// or more ports a `tlpCrossbar` carries forwarded TLPs between the ingress and egress stages
/// (entering with the ingress's egress bits); with two ports each ingress feeds the other
/// port's merge directly. Each merge takes the forwarded TLPs for its port, the UR completions
/// of that port's ingress and, at port 0, the configuration completer's completions; every
/// input starts a TLP only when it fits its class at the egress stage (`EgressRoom`).
///
/// Ports, for every k in `0..<identities.count`: `link<k>_in` (TLPs arriving from port k's link
/// partner, into a `switchReceiver`) and `link<k>_out` (TLPs for it), the link partner's credits
/// for each egress (`link<k>_fc_*`, as on `switchEgress`), the credits the switch gives the
/// partner (`link<k>_rx_fc_*_advertised` for InitFC, `link<k>_rx_fc_*_allocated` for UpdateFC),
/// each bridge's link status (`link<k>_speed`, `link<k>_width`, `link<k>_active`) and the
/// ingress counters (`link<k>_dropped`, `link<k>_malformed`, `link<k>_unsupported`).
///
/// Each bridge's Device Status records Unsupported Requests and malformed TLPs received on its
/// port, and its Status (upstream) or Secondary Status (downstream) poisoned TLPs received.
///
/// `link<k>_active` is port k's Data Link Layer state (DL_Active): for a downstream port Link
/// Status's Data Link Layer Link Active (an upstream port reports none, §7.5.3.6) and the §2.9.1
/// behaviour while it is 0 (DL_Down): a
/// request routed to the port (a Type 1 configuration request for its secondary bus included)
/// is answered with Unsupported Request by the port's bridge when non-posted and discarded
/// when posted, both recorded in that bridge's Device Status (UR Detected) and counted at the
/// ingress (`link<i>_unsupported`, `link<i>_dropped`); completions for it are discarded and
/// counted as dropped; broadcast messages skip it; TLPs queued for it are discarded, and
/// `link<k>_out_valid` stays 0. Flow control restarts with the link (§2.6.1, §3.4.2): while it
/// is down the egress credit gates are reset (nothing leaves after link-up until the partner's
/// InitFC), nothing is received, a TLP left half-received is closed and counted malformed at the
/// ingress, and the receive buffer's advertisement becomes what it can still take
/// (`switchReceiver(restartsWithLink:)`; whole TLPs received before are forwarded). Each change of
/// a downstream port's `link<k>_active` after the first cycle out of reset sets its bridge's Slot
/// Status DLL_STATE_CHANGED and management LINK_CHANGE.PORTk; `link_change` is 1 while any
/// LINK_CHANGE bit is (§6.7.3.3).
/// Downstream port k is device k − 1 on the internal bus (the upstream bridge's secondary bus),
/// which is its UR completions' Completer ID.
///
/// Each egress stage queues `queueDepth` beats of posted and of NP TLPs, and
/// `completionQueueDepth` beats of completions (by default the larger of `queueDepth` and the
/// minimum): at least one completion of the largest Max_Payload_Size Supported among the
/// bridges (any ingress may admit one that large), so that a completion waiting for the link
/// partner's Cpl credits is wholly in the queue and never holds the posted TLPs behind it in
/// the merges in front (Table 2-42 A4).
///
/// Each receive buffer is `refusable`: when the ingress offers a forwarded TLP's first beat and
/// its class has no room further on (the crossbar's queue, or between two ports the other egress
/// stage), the receiver offers the head of another class that may pass it, so posted TLPs pass an
/// NP request or completion stalled for room and completions pass a stalled NP request (A3, A4,
/// D3). Inside the switch a first beat offered and not taken may therefore be withdrawn.
public func pcieSwitch(identities: [BridgeIdentity], dataWidth: Int, queueDepth: Int = 16, completionQueueDepth: Int? = nil,
                       crossbarDepth: Int = 64, receiveDepth: Int = 48, headerCredits: Int = 8, dataCredits: Int = 16,
                       file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  guard identities.count >= 2, identities.count <= 32, identities[0].role == .upstream,
        identities.dropFirst().allSatisfy({ $0.role == .downstream }) else {
    throw RegisterMapError(map: "pcie_switch", problems: ["\(file):\(line): pcieSwitch needs 2...32 identities, the upstream port's first, then downstream ports"])
  }
  let n = identities.count
  let largestPayload = identities.map(\.maxPayloadBytes).max() ?? 128
  let completionBeats = maximumCompletionBeats(maxPayloadBytes: largestPayload, dataWidth: dataWidth)
  let completionDepth = completionQueueDepth ?? max(queueDepth, completionBeats)
  let maps = try identities.map { try bridgeConfigSpace($0) }
  let managementMap = try switchManagementRegisters(ports: identities.count)
  guard maps.allSatisfy({ 1 << $0.addressWidth <= SwitchManagementMap.bridgeWindowStride }) else {
    throw RegisterMapError(map: "pcie_switch", problems: ["\(file):\(line): a bridge's configuration block is larger than its management window (\(SwitchManagementMap.bridgeWindowStride) bytes)"])
  }
  let parameters: KeyValuePairs<String, any CustomStringConvertible> = completionDepth == queueDepth
    ? ["ports": n, "dw": dataWidth, "depth": queueDepth, "vendor": identities[0].vendorID, "device": identities[0].deviceID]
    : ["ports": n, "dw": dataWidth, "depth": queueDepth, "cpl": completionDepth, "vendor": identities[0].vendorID,
       "device": identities[0].deviceID]
  return Module("pcie_switch", parameters: parameters) { m in
    m.require(completionDepth >= completionBeats,
              "pcieSwitch: completionQueueDepth \(completionDepth) beats cannot hold a \(largestPayload)-byte completion (Max_Payload_Size Supported) at \(dataWidth) bits; give at least \(completionBeats), or leave it out",
              file: file, line: line)
    let receivers = (0..<n).map {
      m.instance(switchReceiver(dataWidth: dataWidth, depth: receiveDepth, headerCredits: headerCredits, dataCredits: dataCredits,
                                refusable: true, restartsWithLink: true),
                 name: "receiver\($0)")
    }
    let ingress = (0..<n).map { m.instance(switchIngress(port: $0, ports: n, dataWidth: dataWidth), name: "ingress\($0)") }
    let egress = (0..<n).map { m.instance(switchEgress(dataWidth: dataWidth, depth: queueDepth, completionDepth: max(completionDepth, completionBeats),
                                                       restartsWithLink: true),
                                          name: "egress\($0)") }
    let blocks = (0..<n).map { m.instance(registerBlock(maps[$0]), name: "bridge\($0)") }
    let management = m.instance(registerBlock(managementMap), name: "management")
    let completer = m.instance(bridgeConfigCompleter(bridges: n, registerAddressWidth: maps[0].addressWidth, dataWidth: dataWidth),
                               name: "completer")
    let crossbar = n >= 3 ? m.instance(tlpCrossbar(ports: n, dataWidth: dataWidth, depth: crossbarDepth), name: "crossbar") : nil
    let merges = (0..<n).map { m.instance(tlpMerge(inputs: $0 == 0 ? 3 : 2, dataWidth: dataWidth), name: "merge\($0)") }
    let requester = m.instance(switchConfigRequester(dataWidth: dataWidth), name: "config_requester")
    let upstreamIn = m.instance(tlpMerge(inputs: 2, dataWidth: dataWidth, withdrawable: true), name: "upstream_ingress_merge")

    // A forwarded TLP that cannot start for want of room for its class further on (the crossbar's
    // queue, or between two ports the other egress stage) is refused, and the receiver offers a
    // TLP of another class that may pass it instead (Table 2-42 A3, A4, D3). Nothing between
    // receiver and crossbar or merge keeps state from a first beat not taken.
    let refused = (0..<n).map { m.wire("receiver\($0)_refused") }
    // Each port's Data Link Layer state: Link Status, and for a downstream port §2.9.1 routing.
    let active = (0..<n).map { m.input("link\($0)_active") }
    // A change of a downstream port's link state (§6.7.3.3), from the second cycle out of reset:
    // a link already up then is where the board starts, not an event.
    let linkSeen = m.register("link_state_seen")
    linkSeen <== true
    let wasActive = (0..<n).map { $0 == 0 ? Signal.low : m.register("link\($0)_was_active") }
    let linkChanged = (0..<n).map { $0 == 0 ? Signal.low : m.wire("link\($0)_changed") }
    for k in 1..<n {
      wasActive[k] <== active[k]
      linkChanged[k] <== linkSeen && wasActive[k] != active[k]
    }
    for k in 0..<n {
      connect(m.port("link\(k)_in", TLPStream(dataWidth: dataWidth).flipped), to: receivers[k].interface("link", as: TLPStream.self))
      // The upstream port's link going down would be a reset of the whole switch (§2.9.1).
      receivers[k]["link_up"] <== (k == 0 ? Signal.high : active[k])
      egress[k]["link_up"] <== (k == 0 ? Signal.high : active[k])
      if k > 0 {
        blocks[k]["slot_control_status_presence_detect_state_in"] <== active[k]
        management["link_state_port\(k)_in"] <== active[k]
        management["link_change_port\(k)_set"] <== linkChanged[k]
      }
      if k == 0 {
        connect(egress[k].interface("link", as: TLPStream.self), to: m.port("link\(k)_out", TLPStream(dataWidth: dataWidth)))
      } else {
        // A downstream port whose link is down discards what was queued for it before (§2.9.1).
        let leaving = egress[k].interface("link", as: TLPStream.self)
        let out = m.port("link\(k)_out", TLPStream(dataWidth: dataWidth))
        out.valid <== leaving.valid && active[k]
        leaving.ready <== out.ready || !active[k]
        out.header <== leaving.header
        out.data <== leaving.data
        out.strobe <== leaving.strobe
        out.start <== leaving.start
        out.end <== leaving.end
      }
      if k == 0 {
        // The management processor's configuration requests join the root complex's TLPs, and
        // their completions leave the stream towards it.
        connect(receivers[0].interface("out", as: TLPStream.self), to: upstreamIn.interface("in0", as: TLPStream.self))
        // The management processor's configuration request (non-posted, one beat) steps back
        // for `requestBackoffCycles` when it is refused, so the root complex's TLPs behind
        // the merge may pass it (A3, D3); then it is offered again.
        let backoff = m.register("config_request_backoff", width: bitsToHold(requestBackoffCycles))
        requester.interface("request", as: TLPStream.self).connect(to: upstreamIn.interface("in1", as: TLPStream.self),
                                                                   while: backoff == 0)
        when((refused[0] || ingress[0]["head_waits"]) && upstreamIn["grant"][1]) {
          backoff <== requestBackoffCycles
        }.elseWhen(backoff != 0) {
          backoff <== backoff - 1
        }
        connect(upstreamIn.interface("out", as: TLPStream.self), to: ingress[0].interface("link", as: TLPStream.self))
        connect(merges[0].interface("out", as: TLPStream.self), to: requester.interface("returning", as: TLPStream.self))
        connect(requester.interface("passing", as: TLPStream.self), to: egress[0].interface("fabric", as: TLPStream.self))
      } else {
        connect(receivers[k].interface("out", as: TLPStream.self), to: ingress[k].interface("link", as: TLPStream.self))
        connect(merges[k].interface("out", as: TLPStream.self), to: egress[k].interface("fabric", as: TLPStream.self))
      }
      // Forwarded traffic through the crossbar (or straight across between two ports); the
      // ingress's UR completions beside it.
      // Every merge input starts a TLP only when it fits its class at the egress stage, so a
      // TLP short of room never holds the merge (and the posted TLPs behind it).
      let rooms = EgressRoom.classNames.map { egress[k]["room_\($0)"] }
      if let crossbar {
        connect(ingress[k].interface("fabric", as: TLPStream.self), to: crossbar.interface("in\(k)", as: TLPStream.self))
        crossbar["in\(k)_egress"] <== ingress[k]["fabric_egress"]
        for (c, name) in EgressRoom.classNames.enumerated() {
          crossbar["out\(k)_room_\(name)"] <== rooms[c]
        }
        EgressRoom.connect(crossbar.interface("out\(k)", as: TLPStream.self), to: merges[k].interface("in0", as: TLPStream.self),
                           lanes: dataWidth / 32, rooms: rooms)
        // The crossbar takes a beat exactly when its class queues have room.
        let forwarded = ingress[k].interface("fabric", as: TLPStream.self)
        refused[k] <== forwarded.valid && forwarded.start && !forwarded.ready
      } else {
        let forwarded = ingress[1 - k].interface("fabric", as: TLPStream.self)
        EgressRoom.connect(forwarded, to: merges[k].interface("in0", as: TLPStream.self), lanes: dataWidth / 32, rooms: rooms)
        refused[1 - k] <== forwarded.valid && forwarded.start
          && !EgressRoom.admits(TLPHeaderFields(forwarded.header), lanes: dataWidth / 32, rooms: rooms)
      }
      // Port 0's ingress also takes the management processor's configuration requests.
      // So is a non-posted request the ingress holds for its own outputs (the configuration
      // completer, the UR completion before it).
      let waits = refused[k] || ingress[k]["head_waits"]
      receivers[k]["out_refused"] <== (k == 0 ? waits && upstreamIn["grant"][0] : waits)
      EgressRoom.connect(ingress[k].interface("unsupported", as: TLPStream.self), to: merges[k].interface("in1", as: TLPStream.self),
                         lanes: dataWidth / 32, rooms: rooms)
      if k == 0 {
        EgressRoom.connect(completer.interface("completion", as: TLPStream.self), to: merges[0].interface("in2", as: TLPStream.self),
                           lanes: dataWidth / 32, rooms: rooms)
      }
      egress[k]["fc_initialize"] <== m.input("link\(k)_fc_initialize")
      egress[k]["fc_update"] <== m.input("link\(k)_fc_update")
      for (t, type) in CreditType.allCases.enumerated() {
        let name = ["ph", "pd", "nph", "npd", "cplh", "cpld"][t]
        egress[k]["fc_\(name)_advertised"] <== m.input("link\(k)_fc_\(name)_advertised", width: type.fieldSize)
        egress[k]["fc_\(name)_limit"] <== m.input("link\(k)_fc_\(name)_limit", width: type.fieldSize)
        m.output("link\(k)_rx_fc_\(name)_advertised", width: type.fieldSize) <== receivers[k]["fc_\(name)_advertised"]
        m.output("link\(k)_rx_fc_\(name)_allocated", width: type.fieldSize) <== receivers[k]["fc_\(name)_allocated"]
      }
      ingress[k]["max_payload_size"] <== blocks[k]["device_control_status_max_payload_size_out"]
      blocks[k]["link_control_status_current_link_speed_in"] <== m.input("link\(k)_speed", width: 4)
      blocks[k]["link_control_status_negotiated_link_width_in"] <== m.input("link\(k)_width", width: 6)
      if k > 0 {
        blocks[k]["link_control_status_link_active_in"] <== active[k]
      } else {
        // An upstream port reports no Data Link Layer Link Active (§7.5.3.6, §7.5.3.8); its DL_Down is the switch's reset.
        let unused = m.wire("unused_link0_active")
        unused <== active[0]
      }
      // Error flags the switch raises (§7.5.1.1.4, §7.5.1.3.7, §7.5.3.5): an Unsupported
      // Request received, a malformed TLP (a fatal error by default severity), a poisoned TLP
      // received on the bridge's primary side (upstream port) or secondary side (downstream).
      let raised: [String: Signal] = [
        // §2.9.1: a request refused because this port's link is down is this bridge's UR.
        "device_control_status_unsupported_request_detected":
          k == 0 ? ingress[0]["unsupported_event"]
                 : (0..<n).reduce(ingress[k]["unsupported_event"]) { $0 || ingress[$1]["link_down_event"][k] },
        "device_control_status_fatal_detected": ingress[k]["malformed_event"],
        (k == 0 ? "command_status_detected_parity_error" : "io_window_secondary_status_detected_parity_error"): ingress[k]["poisoned_event"],
        "slot_control_status_dll_state_changed": linkChanged[k],
      ]
      for register in maps[k].registers {
        for field in register.fields where field.hardware.contains(.set) {
          let stem = "\(register.name.lowercased())_\(field.name.lowercased())"
          blocks[k]["\(stem)_set"] <== (raised[stem] ?? Signal.low)
        }
      }
      for counter in ["dropped", "malformed", "unsupported"] {
        let out = m.output("link\(k)_\(counter)", width: 16)
        out <== ingress[k]["\(counter)_count"]
      }
      management["port\(k)_errors_dropped_in"] <== ingress[k]["dropped_count"]
      management["port\(k)_errors_unsupported_in"] <== ingress[k]["unsupported_count"]
      management["port\(k)_malformed_count_in"] <== ingress[k]["malformed_count"]
      // Every ingress stage sees both bridges' routing state.
      for j in 0..<n {
        let b = blocks[j]
        ingress[k]["p\(j)_secondary"] <== b["bus_numbers_secondary_out"]
        ingress[k]["p\(j)_subordinate"] <== b["bus_numbers_subordinate_out"]
        ingress[k]["p\(j)_memory_base"] <== b["memory_window_base_out"]
        ingress[k]["p\(j)_memory_limit"] <== b["memory_window_limit_out"]
        ingress[k]["p\(j)_prefetchable_base"] <== concat(b["prefetchable_base_upper_address_out"], b["prefetchable_window_base_out"])
        ingress[k]["p\(j)_prefetchable_limit"] <== concat(b["prefetchable_limit_upper_address_out"], b["prefetchable_window_limit_out"])
        ingress[k]["p\(j)_memory_enable"] <== b["command_status_memory_space_enable_out"]
        ingress[k]["p\(j)_bus_master"] <== b["command_status_bus_master_enable_out"]
        if j > 0 { ingress[k]["p\(j)_link_up"] <== active[j] }
      }
      let upstreamBit = m.wire("unused_link_down_event\(k)")  // the upstream port is never refused for its link
      upstreamBit <== ingress[k]["link_down_event"][0]
    }
    // Completer IDs: the upstream bridge is device 0 on its primary bus; downstream port k is
    // device k - 1 on the internal bus (the upstream bridge's secondary bus).
    ingress[0]["completer_id"] <== concat(blocks[0]["bus_numbers_primary_out"], Signal.zero(width: 8))
    for k in 1..<n {
      ingress[k]["completer_id"] <== concat(blocks[0]["bus_numbers_secondary_out"], Signal.constant((k - 1) << 3, width: 8))
    }
    connect(ingress[0].interface("own", as: TLPStream.self), to: completer.interface("request", as: TLPStream.self))
    // Downstream ports never receive configuration requests for the switch (they are UR from below).
    for k in 1..<n {
      let ownFromBelow = ingress[k].interface("own", as: TLPStream.self)
      ownFromBelow.ready <== true
      let unused = m.wire("unused_own_from_port\(k)", width: TLPStream.headerWidth + dataWidth + dataWidth / 32 + 3)
      unused <== concat(ownFromBelow.valid, ownFromBelow.header, ownFromBelow.data, ownFromBelow.strobe, ownFromBelow.start, ownFromBelow.end)
    }
    if crossbar == nil {
      // Between two ports every forwarded TLP goes to the other one: the egress bits are unused.
      let unusedEgress = m.wire("unused_fabric_egress", width: 2 * n)
      unusedEgress <== concat(ingress.map { $0["fabric_egress"] })
    }
    m.output("link_change") <== (1..<n).map { management["link_change_port\($0)_out"] }.reduce(Signal.low) { $0 || $1 }
    managementPort(m, management: management, requester: requester, completer: completer, bridges: blocks,
                   primaryBus: blocks[0]["bus_numbers_primary_out"])
    let unusedPoison = m.wire("unused_poisoned")
    unusedPoison <== completer["poisoned"]
  }
}

/// Beats of a completion carrying `maxPayloadBytes` on a `dataWidth`-bit TLP stream: the header
/// travels beside the first data beat, so only the payload counts (`EgressRoom.beats`).
public func maximumCompletionBeats(maxPayloadBytes: Int, dataWidth: Int) -> Int {
  max(1, (maxPayloadBytes * 8 + dataWidth - 1) / max(dataWidth, 32))
}

/// The switch's `mgmt` port (`SwitchManagementMap`): its management registers, each bridge's
/// configuration block (shared with the configuration completer, which goes first: both are
/// answered in the cycle they ask, so the management access waits at most one request), and the
/// configuration request engine's register hooks.
@StatementBuilder
private func managementPort(_ m: ModuleBuilder, management: Instance, requester: Instance, completer: Instance,
                            bridges: [Instance], primaryBus: Signal) -> [Statement] {
  let mgmt = m.port("mgmt", MMIO(addressWidth: SwitchManagementMap.addressWidth).flipped)
  let registers = management.interface("mmio", as: MMIO.self)
  let windowBit = bitsToIndex(SwitchManagementMap.bridgeWindowBase)
  let offsetBits = bitsToIndex(SwitchManagementMap.bridgeWindowStride)
  let inRegisters = m.wire("mgmt_in_registers")
  let inBridge = m.wire("mgmt_in_bridge")
  let window = m.wire("mgmt_bridge_index", width: windowBit - offsetBits)
  inRegisters <== !mgmt.address[windowBit] && mgmt.address[registers.address.width..<windowBit] == 0
  window <== mgmt.address[offsetBits..<windowBit]
  inBridge <== mgmt.address[windowBit] && window < bridges.count
  registers.valid <== mgmt.valid && inRegisters
  registers.write <== mgmt.write
  registers.address <== mgmt.address[0..<registers.address.width]
  registers.writeData <== mgmt.writeData
  registers.strobe <== mgmt.strobe

  var bridgeReady: [(Signal, Signal)] = []
  var bridgeData = Signal.zero(width: 32)
  var bridgeError = Signal.low
  for (k, bridge) in bridges.enumerated() {
    let block = bridge.interface("mmio", as: MMIO.self)
    let request = completer.interface("bridge\(k)", as: MMIO.self)
    let mine = m.wire("mgmt_to_bridge\(k)")
    mine <== mgmt.valid && inBridge && window == k && !request.valid
    block.valid <== request.valid || mine
    block.write <== mux(request.valid, request.write, mgmt.write)
    block.address <== mux(request.valid, request.address, mgmt.address[0..<block.address.width])
    block.writeData <== mux(request.valid, request.writeData, mgmt.writeData)
    block.strobe <== mux(request.valid, request.strobe, mgmt.strobe)
    request.ready <== block.ready && request.valid
    request.readData <== block.readData
    request.error <== block.error
    bridgeReady.append((window == k, block.ready && mine))
    bridgeData = mux(mine, block.readData, bridgeData)
    bridgeError = mux(mine, block.error, bridgeError)
  }
  // Outside every window: answered at once with `error`.
  mgmt.ready <== priority([(inRegisters, registers.ready), (inBridge, priority(bridgeReady, otherwise: .low))], otherwise: mgmt.valid)
  mgmt.readData <== mux(inRegisters, registers.readData, bridgeData)
  mgmt.error <== priority([(inRegisters, registers.error), (inBridge, bridgeError)], otherwise: mgmt.valid)

  requester["target_bus"] <== management["cfg_target_bus_out"]
  requester["target_device"] <== management["cfg_target_device_out"]
  requester["target_function"] <== management["cfg_target_function_out"]
  requester["target_register"] <== management["cfg_target_register_out"]
  requester["byte_enables"] <== management["cfg_control_byte_enables_out"]
  requester["write"] <== management["cfg_control_is_write_out"]
  requester["write_data"] <== management["cfg_write_data_value_out"]
  requester["go"] <== management["cfg_control_go_out"]
  requester["timeout_cycles"] <== management["cfg_timeout_cycles_out"]
  requester["primary_bus"] <== primaryBus
  management["cfg_control_go_clear"] <== requester["go_clear"]
  management["cfg_status_busy_in"] <== requester["busy"]
  management["cfg_status_done_set"] <== requester["done_set"]
  management["cfg_status_timeout_in"] <== requester["timed_out"]
  management["cfg_status_completion_status_in"] <== requester["completion_status"]
  management["cfg_read_data_value_in"] <== requester["read_data"]
}
