import HDL
import PCIe

/// Waiting for a request, consuming the rest of a long one, accessing the block, answering.
enum ConfigCompleterPhase: CaseIterable { case idle, drain, access, respond }

/// The completer for configuration requests addressed to the switch's own bridges: it takes
/// CfgRd0/CfgWr0 (the upstream bridge, port 0) and CfgRd1/CfgWr1 to the internal bus (device
/// D is the bridge of port D + 1) from `request`, performs the access on that bridge's
/// configuration block through `bridge<k>` (MMIO, address = Register Number × 4, strobe =
/// First DW BE), and answers on `completion` with CplD (reads) or Cpl (writes).
///
/// - Completer ID is the request's target ID, the bridge's own bus/device/function.
/// - Registers beyond a block's `addressWidth` bytes read 0 and ignore writes without an
///   access; so do registers the block does not decode (its `error` answer).
/// - A poisoned configuration write changes nothing and is answered with Unsupported Request
///   (PCIe Base Specification 6.3, §2.7.2.2); `poisoned` pulses for the error registers.
/// - One request at a time: `request_ready` is 0 from the request's first beat until its
///   completion has been taken. A request of several beats is consumed whole; its first DW is used.
///
/// - Parameters:
///   - bridges: number of bridges (switch ports), at least 2.
///   - registerAddressWidth: the configuration blocks' MMIO address width (`RegisterMap.addressWidth`).
///   - dataWidth: the TLP streams' data path, 64, 128 or 256 bits.
public func bridgeConfigCompleter(bridges: Int, registerAddressWidth: Int, dataWidth: Int,
                                  file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("bridge_config_completer", parameters: ["bridges": bridges, "aw": registerAddressWidth, "dw": dataWidth]) { m in
    m.require(bridges >= 2 && bridges <= 32, "bridgeConfigCompleter: \(bridges) bridges; a switch has 2...32 ports", file: file, line: line)
    m.require((2...12).contains(registerAddressWidth), "bridgeConfigCompleter: registerAddressWidth \(registerAddressWidth) is outside 2...12 (a 4 KiB configuration space)", file: file, line: line)
    m.require([64, 128, 256].contains(dataWidth), "bridgeConfigCompleter: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    let count = max(bridges, 2)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let aw = min(max(registerAddressWidth, 2), 12)

    let request = m.port("request", TLPStream(dataWidth: width).flipped)
    let completion = m.port("completion", TLPStream(dataWidth: width))
    let buses = (0..<count).map { m.port("bridge\($0)", MMIO(addressWidth: aw)) }
    let poisoned = m.output("poisoned")

    let phase = m.fsm("phase", ConfigCompleterPhase.self, initial: .idle)
    let header = m.register("header", width: TLPStream.headerWidth, reset: nil)
    let writeData = m.register("write_data", width: 32, reset: nil)
    let readData = m.register("read_data", width: 32, reset: nil)
    let fields = TLPHeaderFields(header)

    let target = m.wire("target", width: bitsToIndex(count))
    target <== mux(fields.isConfigType0, Signal.zero(width: bitsToIndex(count)), fields.routingID[3..<8].resized(to: bitsToIndex(count)) + 1)
    let isWrite = m.wire("is_write")
    isWrite <== fields.hasData
    let rejected = m.wire("rejected")  // a poisoned write: no access, UR
    rejected <== isWrite && fields.poisoned
    let inBlock = m.wire("in_block")  // the register lies within the block's address range
    inBlock <== fields.registerNumber.zeroExtended(to: 12) < (1 << (aw - 2))
    let performs = m.wire("performs")
    performs <== phase.isIn(.access) && inBlock && !rejected

    request.ready <== phase.isIn(.idle) || phase.isIn(.drain)
    for (k, bus) in buses.enumerated() {
      let selected = target == k
      bus.valid <== performs && selected
      bus.write <== isWrite
      bus.address <== concat(fields.registerNumber[0..<(aw - 2)], Signal.zero(width: 2))
      bus.writeData <== writeData
      bus.strobe <== fields.firstByteEnables
    }
    let answered = buses.enumerated().reduce(Signal.low) { any, entry in any || target == entry.offset && entry.element.ready }
    let answer = buses.enumerated().reduce(Signal.zero(width: 32)) { value, entry in
      mux(target == entry.offset && !entry.element.error, entry.element.readData, value)
    }
    poisoned <== phase.isIn(.access) && rejected

    switchOn(phase.state) {
      phase.on(.idle) {
        when(request.fires) {
          header <== request.header
          writeData <== request.data[0..<32]
          when(request.end) { phase.goto(.access) }.otherwise { phase.goto(.drain) }
        }
      }
      phase.on(.drain) {
        when(request.fires && request.end) { phase.goto(.access) }
      }
      phase.on(.access) {
        readData <== 0
        when(!performs) {
          phase.goto(.respond)
        }.elseWhen(answered) {
          when(!isWrite) { readData <== answer }
          phase.goto(.respond)
        }
      }
      phase.on(.respond) {
        when(completion.fires) { phase.goto(.idle) }
      }
    }

    configurationCompletion(m, completion: completion, request: request, header: header, readData: readData, isWrite: isWrite,
                            rejected: rejected, responding: phase.isIn(.respond))
  }
}
