import HDL
import PCIe

/// Credit types in the order of the `*_fc_<name>_*` ports.
let creditPortNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]

/// A PCI Express endpoint shell: one Type 0 function (`endpointConfigSpace`) with memory BARs,
/// between a link (to a switch's downstream port) and the function's logic.
///
/// Link side (the names a `pcieSwitch` port has, so the two plug together):
/// - `link_in` enters a `switchReceiver` that advertises `headerCredits` header and
///   `dataCredits` data credits per class (`link_rx_fc_<type>_advertised` for InitFC,
///   `link_rx_fc_<type>_allocated` for UpdateFC; defaults 8 and 16: a 256-byte write fits).
/// - `link_out` leaves a `switchEgress` that honours the link partner's credits
///   (`link_fc_initialize`/`link_fc_<type>_advertised`, `link_fc_update`/`link_fc_<type>_limit`).
///
/// What arrives on `link_in` passes a `wholeTLPBuffer` first: only whole, well-framed TLPs go
/// on, so a TLP the link partner nullified never reaches the function (a write changes nothing,
/// a read is not answered) and one whose beats break its Length is dropped as malformed. Then
/// (decided on a TLP's first beat, PCIe Base Specification 6.3):
/// - CfgRd0/CfgWr0 to function 0 → the configuration completer (CplD/Cpl); the Bus and Device
///   Number of each completed CfgWr0 are captured (§2.2.6.2) and shown on `id`.
/// - MRd/MWr whose address lies in a BAR while Memory Space Enable is set → that BAR's request
///   stream `bar<i>` (BAR `i` of `identity.bars`), unchanged, with `bar<i>_offset` (the address
///   of its first DW within the BAR, bits 1:0 zero, valid on the start beat like the header).
/// - Other non-posted requests (memory requests that hit no BAR, MRdLk, I/O, Type 1
///   configuration, Type 0 to another function) → an Unsupported Request completion from `id`
///   (§2.3.1: an endpoint does not support locked reads, I/O without an I/O BAR, or Type 1).
/// - Posted requests that hit no BAR, messages and completions (the function issues no
///   requests) are dropped; malformed TLPs (reserved Fmt/Type, crossing 4 KiB, misframed) are
///   dropped and logged as a fatal error in Device Status (§2.3, §2.7). Unsupported Requests, posted or
///   not, are logged in Device Status, poisoned TLPs in Status.
///
/// The function answers its BARs' reads on `completion` (whole completions, Completer ID `id`);
/// they share `link_out` with the configuration and UR completions through a `tlpMerge`.
/// `signaled_completer_abort` (a pulse) logs a Completer Abort the function sent in Status.
///
/// With `requester: true` the function also issues requests: it may send any TLP on `completion`
/// (requests included; the egress keeps the ordering rules), and completions whose Requester
/// bus is the endpoint's own (any device/function, so a bridge function may use several IDs
/// on its bus) leave on the stream `requester_completion` instead of being dropped.
/// With `roomAware: true` (for a function that refuses what it cannot send, as the NTB function
/// with crosslink credits does) the function sees the egress's room per class on `room_posted`,
/// `room_non_posted` and `room_completion` (`EgressRoom`), and may withdraw a first beat offered
/// on `completion` that was not taken (its merge is `withdrawable`).
/// With `readyAfterCycles` > 0 the function is still initialising for that many cycles after
/// reset: configuration requests taken before then are answered with Configuration Request
/// Retry Status and change nothing (PCIe Base Specification 6.3, §2.3.1 and §6.6.1).
/// Outputs `memory_space_enable`, `bus_master_enable`, `max_payload_size` and
/// `max_read_request_size` (128 << value bytes) come from the configuration registers.
public func pcieEndpoint(identity: EndpointIdentity, dataWidth: Int, queueDepth: Int = 16, receiveDepth: Int = 48,
                         headerCredits: Int = 8, dataCredits: Int = 16, requester: Bool = false, readyAfterCycles: Int = 0,
                         roomAware: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  let map = try endpointConfigSpace(identity, file: file, line: line)
  guard [64, 128, 256].contains(dataWidth) else {
    throw RegisterMapError(map: "pcie_endpoint", problems: ["\(file):\(line): dataWidth \(dataWidth) is not 64, 128 or 256"])
  }
  // The identity's values name the variant, as `registerBlock` names its module.
  let variant = map.parameters.map { "_\($0.name)\($0.value)" }.joined()
  guard readyAfterCycles >= 0, readyAfterCycles < 1 << 32 else {
    throw RegisterMapError(map: "pcie_endpoint", problems: ["\(file):\(line): readyAfterCycles \(readyAfterCycles) is outside 0..<2^32"])
  }
  let shape = stableDigest([dataWidth, queueDepth, receiveDepth, headerCredits, dataCredits] + (requester ? [1] : [])
                           + (readyAfterCycles > 0 ? [2, readyAfterCycles] : []) + (roomAware ? [3] : []))
  return Module("pcie_endpoint" + variant, parameters: ["shape": shape]) { m in
    let block = m.instance(registerBlock(map), name: "config_space")
    let completer = m.instance(endpointConfigCompleter(registerAddressWidth: map.addressWidth, dataWidth: dataWidth,
                                                       retries: readyAfterCycles > 0), name: "config_completer")
    if readyAfterCycles > 0 {
      // Cycles since reset, stopping at `readyAfterCycles`: until then every configuration
      // request is answered with CRS.
      let sinceReset = m.register("cycles_since_reset", width: bitsToHold(readyAfterCycles))
      when(sinceReset != readyAfterCycles) { sinceReset <== sinceReset + 1 }
      completer["not_ready"] <== sinceReset != readyAfterCycles
    }
    let receiver = m.instance(switchReceiver(dataWidth: dataWidth, depth: receiveDepth, headerCredits: headerCredits, dataCredits: dataCredits),
                              name: "receiver")
    let egress = m.instance(switchEgress(dataWidth: dataWidth, depth: queueDepth), name: "egress")
    let merge = m.instance(tlpMerge(inputs: 3, dataWidth: dataWidth, withdrawable: roomAware), name: "merge")
    if roomAware {
      for room in EgressRoom.classNames { m.output("room_\(room)", width: EgressRoom.width) <== egress["room_\(room)"] }
    }
    connect(completer.interface("config", as: MMIO.self), to: block.interface("mmio", as: MMIO.self))

    endpointLinkSide(m, receiver: receiver, egress: egress, merge: merge, dataWidth: dataWidth)
    connect(m.port("completion", TLPStream(dataWidth: dataWidth).flipped), to: merge.interface("in0", as: TLPStream.self))
    connect(completer.interface("completion", as: TLPStream.self), to: merge.interface("in1", as: TLPStream.self))

    let id = m.output("id", width: 16)
    id <== completer["captured_id"]
    let memoryEnable = block["command_status_memory_space_enable_out"]
    m.output("memory_space_enable") <== memoryEnable
    m.output("bus_master_enable") <== block["command_status_bus_master_enable_out"]
    m.output("max_payload_size", width: 3) <== block["device_control_status_max_payload_size_out"]
    m.output("max_read_request_size", width: 3) <== block["device_control_status_max_read_request_size_out"]

    // Where each TLP goes, decided on its first beat and held for the rest.
    // Only whole, well-framed TLPs go on: nullified ones vanish, malformed ones are logged.
    let whole = m.instance(wholeTLPBuffer(dataWidth: dataWidth, depth: wholeTLPBufferDepth(dataWidth: dataWidth, dataCredits: dataCredits)),
                           name: "whole_tlps")
    connect(receiver.interface("out", as: TLPStream.self), to: whole.interface("in", as: TLPStream.self))
    let rx = whole.interface("out", as: TLPStream.self)
    let fields = TLPHeaderFields(rx.header)
    let malformed = fields.isUnsupportedKind || fields.crosses4KiB
    let memoryRequest = (fields.isMemoryRead && !fields.isLockedRead) || fields.isMemoryWrite
    let hitsNow = zip(identity.bars, identity.barSlots).map { bar, slot in
      memoryEnable && memoryRequest && !malformed && barClaims(bar, slot: slot, address: fields.address, block: block)
    }
    let liveBar = m.wire("live_bar", width: identity.bars.count)
    liveBar <== concat(hitsNow.reversed())
    let liveConfig = m.wire("live_config")
    liveConfig <== !malformed && fields.isConfigType0 && fields.routingID[0..<3] == 0
    let claimed = liveConfig || liveBar != 0
    let liveUR = m.wire("live_ur")  // non-posted and nobody here takes it
    liveUR <== !malformed && !claimed && fields.isNonPosted
    let postedMiss = m.wire("posted_miss")  // a write that hits no BAR: a posted Unsupported Request
    postedMiss <== !malformed && fields.isMemoryWrite && liveBar == 0

    let heldBar = m.register("held_bar", width: identity.bars.count)
    let heldConfig = m.register("held_config")
    let toBar = m.wire("to_bar", width: identity.bars.count)
    let toConfig = m.wire("to_config")
    toBar <== mux(rx.start, liveBar, heldBar)
    toConfig <== mux(rx.start, liveConfig, heldConfig)
    let firstBeat = m.wire("first_beat")
    firstBeat <== rx.fires && rx.start
    when(firstBeat) {
      heldBar <== liveBar
      heldConfig <== liveConfig
    }

    let request = completer.interface("request", as: TLPStream.self)
    let bars = identity.bars.indices.map { m.port("bar\($0)", TLPStream(dataWidth: dataWidth)) }
    // Completions for the function's own requests (`requester`), by the bus of their Requester ID.
    let completions = requester ? [m.port("requester_completion", TLPStream(dataWidth: dataWidth))] : []
    let toCompletion = requester ? m.wire("to_completion") : Signal.low
    if requester {
      let live = m.wire("live_completion")
      let held = m.register("held_completion")
      live <== !malformed && fields.isCompletion && fields.requester[8..<16] == id[8..<16]
      toCompletion <== mux(rx.start, live, held)
      when(firstBeat) { held <== live }
    }
    let pendingValid = m.register("ur_valid")
    let pendingHeader = m.register("ur_header", width: TLPStream.headerWidth, reset: nil)
    let answersUR = m.wire("answers_ur")
    answersUR <== rx.start && liveUR
    rx.ready <== priority([(toConfig, request.ready)] + bars.indices.map { (toBar[$0], bars[$0].ready) }
                          + completions.map { (toCompletion, $0.ready) } + [(answersUR, !pendingValid)], otherwise: .high)
    for (target, valid) in [(request, toConfig)] + bars.indices.map({ (bars[$0], toBar[$0]) }) + completions.map({ ($0, toCompletion) }) {
      target.valid <== rx.valid && valid
      target.header <== rx.header
      target.data <== rx.data
      target.strobe <== rx.strobe
      target.start <== rx.start
      target.end <== rx.end
    }
    for (i, bar) in identity.bars.enumerated() {
      m.output("bar\(i)_offset", width: bar.offsetBits) <== fields.address[0..<bar.offsetBits]
    }

    let unsupported = merge.interface("in2", as: TLPStream.self)
    unsupported.valid <== pendingValid
    unsupported.header <== pendingHeader
    unsupported.data <== Signal.zero(width: dataWidth)
    unsupported.strobe <== Signal.zero(width: dataWidth / 32)
    unsupported.start <== true
    unsupported.end <== true
    when(unsupported.fires) { pendingValid <== false }
    when(firstBeat && liveUR) {
      pendingValid <== true
      pendingHeader <== unsupportedRequestCompletionHeader(fields, completer: id)
    }

    // Error logging (§6.2, §7.5.1.1.4, §7.5.3.5).
    let raised: [String: Signal] = [
      "device_control_status_unsupported_request_detected": firstBeat && (liveUR || postedMiss),
      "device_control_status_fatal_detected": (firstBeat && malformed) || whole["malformed_event"],
      "command_status_detected_parity_error": firstBeat && fields.poisoned && !malformed,
      "command_status_signaled_target_abort": m.input("signaled_completer_abort"),
    ]
    for register in map.registers {
      for field in register.fields where field.hardware.contains(.set) {
        let stem = "\(register.name.lowercased())_\(field.name.lowercased())"
        block["\(stem)_set"] <== (raised[stem] ?? Signal.low)
      }
    }
    let unusedPoison = m.wire("unused_poisoned")
    unusedPoison <== completer["poisoned"]
  }
}

/// 1 when `address` lies in the BAR whose first register is BAR slot `slot` (its base from the
/// configuration block's outputs); a 32-bit BAR claims only addresses below 4 GiB.
func barClaims(_ bar: BARSpec, slot: Int, address: Signal, block: Instance) -> Signal {
  let low = bar.offsetBits
  let lowName = barRegisterName(slot: slot).lowercased()
  if !bar.is64Bit {
    return address[32..<64] == 0 && address[low..<32] == block["\(lowName)_base_out"]
  }
  let upper = block["\(barRegisterName(slot: slot + 1).lowercased())_base_upper_out"]
  if low < 32 {
    return address[low..<32] == block["\(lowName)_base_out"] && address[32..<64] == upper
  }
  return address[low..<64] == upper
}
