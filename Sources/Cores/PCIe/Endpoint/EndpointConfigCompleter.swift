import HDL
import PCIe

/// The completer of a Type 0 function's configuration requests: it takes CfgRd0/CfgWr0 from
/// `request`, accesses the configuration block on `config` (MMIO, address = Register Number ×
/// 4, strobe = First DW BE) and answers on `completion` with CplD (reads) or Cpl (writes),
/// Completer ID = the request's target ID.
///
/// - `captured_id` is the function's Bus and Device Number (function 0) as captured from the
///   last CfgWr0 it completed (PCIe Base Specification 6.3, §2.2.6.2): the function's
///   Completer and Requester ID for everything it sends other than configuration completions.
///   It reads 0 until the first such write.
/// - Registers beyond the block's `registerAddressWidth` bytes, and those it does not decode,
///   read 0 and ignore writes.
/// - A poisoned configuration write changes nothing and is answered with Unsupported Request
///   (§2.7.2.2); `poisoned` pulses.
/// - With `retries`, a request taken while the input `not_ready` is high changes nothing and
///   is answered with Configuration Request Retry Status (§2.3.1: a function still
///   initialising after reset); no Bus and Device Number are captured from it.
/// - One request at a time; a request of several beats is consumed whole, its first DW used.
public func endpointConfigCompleter(registerAddressWidth: Int, dataWidth: Int, retries: Bool = false,
                                    file: StaticString = #fileID, line: UInt = #line) -> Module {
  let parameters: KeyValuePairs<String, any CustomStringConvertible> =
    retries ? ["aw": registerAddressWidth, "dw": dataWidth, "crs": 1] : ["aw": registerAddressWidth, "dw": dataWidth]
  return Module("endpoint_config_completer", parameters: parameters) { m in
    m.require((2...12).contains(registerAddressWidth), "endpointConfigCompleter: registerAddressWidth \(registerAddressWidth) is outside 2...12 (a 4 KiB configuration space)", file: file, line: line)
    m.require([64, 128, 256].contains(dataWidth), "endpointConfigCompleter: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let aw = min(max(registerAddressWidth, 2), 12)

    let request = m.port("request", TLPStream(dataWidth: width).flipped)
    let completion = m.port("completion", TLPStream(dataWidth: width))
    let config = m.port("config", MMIO(addressWidth: aw))
    let capturedID = m.output("captured_id", width: 16)
    let poisoned = m.output("poisoned")

    let phase = m.fsm("phase", ConfigCompleterPhase.self, initial: .idle)
    let header = m.register("header", width: TLPStream.headerWidth, reset: nil)
    let writeData = m.register("write_data", width: 32, reset: nil)
    let readData = m.register("read_data", width: 32, reset: nil)
    let busDevice = m.register("bus_device", width: 13)
    let fields = TLPHeaderFields(header)
    let notReady = retries ? m.input("not_ready") : Signal.low
    let retry = retries ? m.register("retry") : Signal.low

    let isWrite = m.wire("is_write")
    isWrite <== fields.hasData
    let rejected = m.wire("rejected")  // a poisoned write: no access, UR
    rejected <== isWrite && fields.poisoned
    let inBlock = m.wire("in_block")
    inBlock <== fields.registerNumber.zeroExtended(to: 12) < (1 << (aw - 2))
    let performs = m.wire("performs")
    performs <== phase.isIn(.access) && inBlock && !rejected && !retry

    request.ready <== phase.isIn(.idle) || phase.isIn(.drain)
    config.valid <== performs
    config.write <== isWrite
    config.address <== concat(fields.registerNumber[0..<(aw - 2)], Signal.zero(width: 2))
    config.writeData <== writeData
    config.strobe <== fields.firstByteEnables
    poisoned <== phase.isIn(.access) && rejected
    capturedID <== concat(busDevice, Signal.zero(width: 3))

    switchOn(phase.state) {
      phase.on(.idle) {
        when(request.fires) {
          header <== request.header
          writeData <== request.data[0..<32]
          if retries { retry <== notReady }
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
        }.elseWhen(config.ready) {
          when(!isWrite && !config.error) { readData <== config.readData }
          phase.goto(.respond)
        }
        // §2.2.6.2: the Bus and Device Number of every CfgWr0 the function completes.
        when(isWrite && !rejected && !retry) { busDevice <== fields.routingID[3..<16] }
      }
      phase.on(.respond) {
        when(completion.fires) { phase.goto(.idle) }
      }
    }

    configurationCompletion(m, completion: completion, request: request, header: header, readData: readData, isWrite: isWrite,
                            rejected: rejected, responding: phase.isIn(.respond), retry: retry)
  }
}
