import HDL
import PCIe

/// A multi-function PCI Express endpoint: up to eight Type 0 functions (`endpointConfigSpace`
/// each, keyed by function number 0...7) behind one link, as `pcieEndpoint` is for one.
/// Functions may be sparse (0, 1 and 3, say): software probes 1...7 past a gap (Linux
/// drivers/pci/probe.c pci_scan_slot/next_fn). Function 0 is required: without it software
/// finds no device.
///
/// With more than one function every function's Header Type bit 7 (Multi-Function Device) is
/// set (PCIe Base Specification 6.3, §7.5.1.1.9: recommended when there are several; software
/// probes functions 1...7 only when function 0 has it).
///
/// The link side is `pcieEndpoint`'s (`link_in`, `link_out`, the flow-control ports). What
/// arrives on `link_in` (decided on a TLP's first beat):
/// - CfgRd0/CfgWr0 to function n → function n's configuration completer, which answers with
///   Completer ID = the request's target ID (so the function number is n) and captures the Bus
///   and Device Number of each CfgWr0 it completes (§2.2.6.2); CfgRd0/CfgWr0 to a function
///   that is absent → Unsupported Request;
/// - MRd/MWr whose address lies in a BAR of function n while n's Memory Space Enable is set →
///   that BAR's request stream `f<n>_bar<i>` (BAR `i` of function n's `bars`), with
///   `f<n>_bar<i>_offset`;
/// - everything else as `pcieEndpoint`: other non-posted requests get UR, posted ones that hit
///   no BAR, messages and completions are dropped, malformed TLPs are dropped.
///
/// Per function n: `f<n>_id` is its Completer and Requester ID (the Bus and Device Number it
/// captured, function number n); its logic answers its BARs' reads on `f<n>_completion`
/// (whole completions), which share `link_out` with the configuration and UR completions;
/// `f<n>_memory_space_enable`, `f<n>_bus_master_enable`, `f<n>_max_payload_size`,
/// `f<n>_max_read_request_size` come from its registers; `f<n>_signaled_completer_abort` logs a
/// Completer Abort it sent.
///
/// Error logging, our choice where the specification leaves it to the device: an error tied to
/// a function (a poisoned request it claims) is logged in that function; one no function
/// claims (Unsupported Requests, including configuration requests to an absent function;
/// malformed and unclaimed poisoned TLPs) in function 0, whose ID the UR completions carry.
/// With `readyAfterCycles` > 0 the whole device answers CRS for that many cycles after reset.
/// The functions issue no requests (`pcieEndpoint(requester: true)` is single-function).
public func pcieEndpoint(functions: [Int: EndpointIdentity], dataWidth: Int, queueDepth: Int = 16, receiveDepth: Int = 48,
                         headerCredits: Int = 8, dataCredits: Int = 16, readyAfterCycles: Int = 0,
                         file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  var problems: [String] = []
  let numbers = functions.keys.sorted()
  if let bad = numbers.first(where: { !(0...7).contains($0) }) {
    problems.append("\(file):\(line): function \(bad) is outside 0...7 (a device has eight function numbers without ARI)")
  }
  if functions[0] == nil {
    problems.append("\(file):\(line): functions \(numbers) lack function 0; software probes a device at function 0 and finds nothing without it")
  }
  if ![64, 128, 256].contains(dataWidth) { problems.append("\(file):\(line): dataWidth \(dataWidth) is not 64, 128 or 256") }
  if readyAfterCycles < 0 || readyAfterCycles >= 1 << 32 { problems.append("\(file):\(line): readyAfterCycles \(readyAfterCycles) is outside 0..<2^32") }
  guard problems.isEmpty else { throw RegisterMapError(map: "pcie_endpoint", problems: problems) }
  let multiFunction = numbers.count > 1
  let maps = try numbers.map { try endpointConfigSpace(functions[$0]!, multiFunction: multiFunction, file: file, line: line) }
  let shell = MultiFunctionShell(numbers: numbers, identities: numbers.map { functions[$0]! })

  // Named by function 0 and a digest of every function's variant (Verilator shortens long names).
  let variants = zip(numbers, maps).flatMap { number, map in [number] + map.parameters.map(\.value) }
  let shape = stableDigest([dataWidth, queueDepth, receiveDepth, headerCredits, dataCredits, readyAfterCycles])
  let name = "pcie_endpoint_mf_vendor\(functions[0]!.vendorID)_device\(functions[0]!.deviceID)_variant\(stableDigest(variants))"
  return Module(name, parameters: ["shape": shape]) { m in
    let blocks = shell.indices.map { m.instance(registerBlock(maps[$0]), name: "f\(numbers[$0])_config_space") }
    let completers = shell.indices.map {
      m.instance(endpointConfigCompleter(registerAddressWidth: maps[$0].addressWidth, dataWidth: dataWidth, retries: readyAfterCycles > 0),
                 name: "f\(numbers[$0])_config_completer")
    }
    if readyAfterCycles > 0 {
      // Cycles since reset, stopping at `readyAfterCycles`: until then every function answers CRS.
      let sinceReset = m.register("cycles_since_reset", width: bitsToHold(readyAfterCycles))
      when(sinceReset != readyAfterCycles) { sinceReset <== sinceReset + 1 }
      for completer in completers { completer["not_ready"] <== sinceReset != readyAfterCycles }
    }
    let receiver = m.instance(switchReceiver(dataWidth: dataWidth, depth: receiveDepth, headerCredits: headerCredits, dataCredits: dataCredits),
                              name: "receiver")
    let egress = m.instance(switchEgress(dataWidth: dataWidth, depth: queueDepth), name: "egress")
    // Inputs: each function's completions, each configuration completer's, then the UR completions.
    let merge = m.instance(tlpMerge(inputs: 2 * shell.count + 1, dataWidth: dataWidth), name: "merge")
    endpointLinkSide(m, receiver: receiver, egress: egress, merge: merge, dataWidth: dataWidth)

    for j in shell.indices {
      let n = numbers[j]
      connect(completers[j].interface("config", as: MMIO.self), to: blocks[j].interface("mmio", as: MMIO.self))
      connect(m.port("f\(n)_completion", TLPStream(dataWidth: dataWidth).flipped), to: merge.interface("in\(j)", as: TLPStream.self))
      connect(completers[j].interface("completion", as: TLPStream.self), to: merge.interface("in\(shell.count + j)", as: TLPStream.self))
      // §2.2.6.2: the captured Bus and Device Number with the function's own number.
      m.output("f\(n)_id", width: 16) <== concat(completers[j]["captured_id"][3..<16], Signal.constant(n, width: 3))
      m.output("f\(n)_memory_space_enable") <== blocks[j]["command_status_memory_space_enable_out"]
      m.output("f\(n)_bus_master_enable") <== blocks[j]["command_status_bus_master_enable_out"]
      m.output("f\(n)_max_payload_size", width: 3) <== blocks[j]["device_control_status_max_payload_size_out"]
      m.output("f\(n)_max_read_request_size", width: 3) <== blocks[j]["device_control_status_max_read_request_size_out"]
    }

    // Where each TLP goes, decided on its first beat and held for the rest.
    // Only whole, well-framed TLPs go on: nullified ones vanish, malformed ones are logged.
    let whole = m.instance(wholeTLPBuffer(dataWidth: dataWidth, depth: wholeTLPBufferDepth(dataWidth: dataWidth, dataCredits: dataCredits)),
                           name: "whole_tlps")
    connect(receiver.interface("out", as: TLPStream.self), to: whole.interface("in", as: TLPStream.self))
    let rx = whole.interface("out", as: TLPStream.self)
    let fields = TLPHeaderFields(rx.header)
    let malformed = fields.isUnsupportedKind || fields.crosses4KiB
    let memoryRequest = (fields.isMemoryRead && !fields.isLockedRead) || fields.isMemoryWrite
    // One bit per BAR of every function, function by function.
    let liveBar = m.wire("live_bar", width: shell.bars.count)
    liveBar <== concat(shell.bars.map { bar in
      blocks[bar.function]["command_status_memory_space_enable_out"] && memoryRequest && !malformed
        && barClaims(bar.spec, slot: bar.slot, address: fields.address, block: blocks[bar.function])
    }.reversed())
    let liveConfig = m.wire("live_config", width: shell.count)
    liveConfig <== concat(numbers.map { !malformed && fields.isConfigType0 && fields.routingID[0..<3] == $0 }.reversed())
    let claimed = liveConfig != 0 || liveBar != 0
    let liveUR = m.wire("live_ur")  // non-posted and no function takes it
    liveUR <== !malformed && !claimed && fields.isNonPosted
    let postedMiss = m.wire("posted_miss")  // a write that hits no BAR: a posted Unsupported Request
    postedMiss <== !malformed && fields.isMemoryWrite && liveBar == 0

    let heldBar = m.register("held_bar", width: shell.bars.count)
    let heldConfig = m.register("held_config", width: shell.count)
    let toBar = m.wire("to_bar", width: shell.bars.count)
    let toConfig = m.wire("to_config", width: shell.count)
    toBar <== mux(rx.start, liveBar, heldBar)
    toConfig <== mux(rx.start, liveConfig, heldConfig)
    let firstBeat = m.wire("first_beat")
    firstBeat <== rx.fires && rx.start
    when(firstBeat) {
      heldBar <== liveBar
      heldConfig <== liveConfig
    }

    let requests = completers.map { $0.interface("request", as: TLPStream.self) }
    let bars = shell.bars.map { m.port("f\(numbers[$0.function])_bar\($0.index)", TLPStream(dataWidth: dataWidth)) }
    let pendingValid = m.register("ur_valid")
    let pendingHeader = m.register("ur_header", width: TLPStream.headerWidth, reset: nil)
    let answersUR = m.wire("answers_ur")
    answersUR <== rx.start && liveUR
    rx.ready <== priority(requests.indices.map { (toConfig[$0], requests[$0].ready) } + bars.indices.map { (toBar[$0], bars[$0].ready) }
                          + [(answersUR, !pendingValid)], otherwise: .high)
    for (target, valid) in requests.indices.map({ (requests[$0], toConfig[$0]) }) + bars.indices.map({ (bars[$0], toBar[$0]) }) {
      target.valid <== rx.valid && valid
      target.header <== rx.header
      target.data <== rx.data
      target.strobe <== rx.strobe
      target.start <== rx.start
      target.end <== rx.end
    }
    for bar in shell.bars {
      m.output("f\(numbers[bar.function])_bar\(bar.index)_offset", width: bar.spec.offsetBits) <== fields.address[0..<bar.spec.offsetBits]
    }

    let unsupported = merge.interface("in\(2 * shell.count)", as: TLPStream.self)
    unsupported.valid <== pendingValid
    unsupported.header <== pendingHeader
    unsupported.data <== Signal.zero(width: dataWidth)
    unsupported.strobe <== Signal.zero(width: dataWidth / 32)
    unsupported.start <== true
    unsupported.end <== true
    when(unsupported.fires) { pendingValid <== false }
    when(firstBeat && liveUR) {
      pendingValid <== true
      pendingHeader <== unsupportedRequestCompletionHeader(fields, completer: concat(completers[0]["captured_id"][3..<16], Signal.zero(width: 3)))
    }

    // Error logging (§6.2, §7.5.1.1.4, §7.5.3.5): per function, what it claims; function 0 the rest.
    for j in shell.indices {
      let barsOfJ = shell.bars.indices.filter { shell.bars[$0].function == j }
      let claimsIt = barsOfJ.reduce(liveConfig[j]) { $0 || liveBar[$1] }
      let ownsIt = j == 0 ? claimsIt || !claimed : claimsIt
      let raised: [String: Signal] = [
        "device_control_status_unsupported_request_detected": j == 0 ? firstBeat && (liveUR || postedMiss) : Signal.low,
        "device_control_status_fatal_detected": j == 0 ? (firstBeat && malformed) || whole["malformed_event"] : Signal.low,
        "command_status_detected_parity_error": firstBeat && fields.poisoned && !malformed && ownsIt,
        "command_status_signaled_target_abort": m.input("f\(numbers[j])_signaled_completer_abort"),
      ]
      for register in maps[j].registers {
        for field in register.fields where field.hardware.contains(.set) {
          let stem = "\(register.name.lowercased())_\(field.name.lowercased())"
          blocks[j]["\(stem)_set"] <== (raised[stem] ?? Signal.low)
        }
      }
      let unusedPoison = m.wire("f\(numbers[j])_unused_poisoned")
      unusedPoison <== completers[j]["poisoned"]
    }
  }
}

/// The functions of a multi-function shell by index (0..<count, in function-number order) and
/// all their BARs in one list.
private struct MultiFunctionShell {
  struct BAR {
    /// Index of the function in `numbers`.
    var function: Int
    /// BAR index within the function (its `f<n>_bar<index>` stream).
    var index: Int
    var spec: BARSpec
    var slot: Int
  }
  let numbers: [Int]
  let bars: [BAR]

  init(numbers: [Int], identities: [EndpointIdentity]) {
    self.numbers = numbers
    bars = identities.enumerated().flatMap { j, identity in
      zip(identity.bars, identity.barSlots).enumerated().map { BAR(function: j, index: $0, spec: $1.0, slot: $1.1) }
    }
  }

  var count: Int { numbers.count }
  var indices: Range<Int> { numbers.indices }
}

/// The link side of an endpoint shell: `link_in` into the receiver, the merged function-side
/// traffic out through the egress to `link_out`, and the flow-control ports of both.
@StatementBuilder
func endpointLinkSide(_ m: ModuleBuilder, receiver: Instance, egress: Instance, merge: Instance, dataWidth: Int) -> [Statement] {
  connect(m.port("link_in", TLPStream(dataWidth: dataWidth).flipped), to: receiver.interface("link", as: TLPStream.self))
  connect(egress.interface("link", as: TLPStream.self), to: m.port("link_out", TLPStream(dataWidth: dataWidth)))
  connect(merge.interface("out", as: TLPStream.self), to: egress.interface("fabric", as: TLPStream.self))
  egress["fc_initialize"] <== m.input("link_fc_initialize")
  egress["fc_update"] <== m.input("link_fc_update")
  for (t, type) in CreditType.allCases.enumerated() {
    let name = creditPortNames[t]
    egress["fc_\(name)_advertised"] <== m.input("link_fc_\(name)_advertised", width: type.fieldSize)
    egress["fc_\(name)_limit"] <== m.input("link_fc_\(name)_limit", width: type.fieldSize)
    m.output("link_rx_fc_\(name)_advertised", width: type.fieldSize) <== receiver["fc_\(name)_advertised"]
    m.output("link_rx_fc_\(name)_allocated", width: type.fieldSize) <== receiver["fc_\(name)_allocated"]
  }
}
