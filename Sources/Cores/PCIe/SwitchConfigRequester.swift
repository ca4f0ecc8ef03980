import HDL
import PCIe

/// Idle, offering the request, waiting for its completion.
enum ConfigRequesterPhase: CaseIterable { case idle, issue, wait }

/// The engine behind the switch's configuration request registers (`switchManagementRegisters`):
/// when `go` rises it issues one CfgRd or CfgWr (Type 0 to the upstream bridge's primary bus
/// `primary_bus`, Type 1 to any other bus; Length 1, the byte enables and data given) on
/// `request`, which the switch merges into its upstream port's ingress path as if the root
/// complex had sent it, and waits for the completion.
///
/// The engine stands where a root or downstream port would be, so like one it passes a Type 0
/// request only to Device 0 (PCIe Base Specification 6.3, §7.3.1: a link carries Device 0
/// alone); a Type 0 request to another device ends at once with Unsupported Request, as a
/// Type 1 request to such a device on a downstream port's secondary bus does.
///
/// Its Requester ID is (`primary_bus`, device 31, function 7) and its tag counts requests. Only
/// the completion it waits for (that Requester ID and the outstanding request's tag) is taken
/// off the stream from `returning` (what the switch would send to the root complex); everything
/// else passes to `passing` unchanged, a completion arriving after its request timed out
/// included (the root complex discards it as unexpected, §2.3.2). A switch below this one has
/// the same Requester ID until its primary bus is numbered; it must not take this engine's
/// completions.
///
/// Outputs for the registers: `busy`, `go_clear` (the request was taken), `done_set` (it
/// ended), `timed_out`, `completion_status`, `read_data` (the CplD's DW; all ones after a read
/// that failed or timed out; 0 after a write).
public func switchConfigRequester(dataWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("switch_config_requester", parameters: ["dw": dataWidth]) { m in
    m.require([64, 128, 256].contains(dataWidth), "switchConfigRequester: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let bus = m.input("target_bus", width: 8), device = m.input("target_device", width: 5)
    let function = m.input("target_function", width: 3)
    let register = m.input("target_register", width: 10)
    let byteEnables = m.input("byte_enables", width: 4)
    let isWrite = m.input("write")
    let writeData = m.input("write_data", width: 32)
    let go = m.input("go")
    let timeoutCycles = m.input("timeout_cycles", width: 24)
    let primaryBus = m.input("primary_bus", width: 8)
    let request = m.port("request", TLPStream(dataWidth: width))
    let returning = m.port("returning", TLPStream(dataWidth: width).flipped)
    let passing = m.port("passing", TLPStream(dataWidth: width))

    let phase = m.fsm("phase", ConfigRequesterPhase.self, initial: .idle)
    let header = m.register("header", width: TLPStream.headerWidth, reset: nil)
    let data = m.register("data", width: 32, reset: nil)
    let carriesData = m.register("carries_data")
    let tag = m.register("tag", width: 8)
    let waited = m.register("waited", width: 24)
    let status = m.register("status", width: 3)
    let readData = m.register("read_data_value", width: 32)
    let timedOut = m.register("timed_out_flag")
    // A read that fails (UR, CRS, CA or no completion) reads all ones, as a root complex
    // returns it to software for a failed configuration read (Linux: PCI_ERROR_RESPONSE).
    let failedRead = Signal.ones(width: 32)
    let requester = m.wire("requester_id", width: 16)
    requester <== concat(primaryBus, Signal.constant(SwitchManagementMap.requesterDevice << 3 | SwitchManagementMap.requesterFunction, width: 8))

    // The request's header (§2.2.7, Figures 2-16 and 2-17 with the fields of §7.2.2.2): Fmt 000b
    // (no data) or 010b (data), Type 00100b or 00101b, Length 1; Requester ID, Tag, Last DW BE 0,
    // First DW BE; Bus, Device, Function, Extended Register Number, Register Number.
    let type1 = bus != primaryBus
    let noSuchDevice = m.wire("no_such_device")  // Type 0 to a device other than 0: UR at once
    noSuchDevice <== !type1 && device != 0
    let fmt = concat(Signal.low, isWrite, Signal.low)
    let type = concat(Signal.constant(0b0010, width: 4), type1)
    let dw0 = concat(fmt, type, Signal.zero(width: 14), Signal.constant(1, width: 10))
    let dw1 = concat(requester, tag + 1, Signal.zero(width: 4), byteEnables)
    let dw2 = concat(bus, device, function, Signal.zero(width: 4), register[6..<10], register[0..<6], Signal.zero(width: 2))

    // Completions for the management processor are taken off; the decision is held for the TLP.
    let fields = TLPHeaderFields(returning.header)
    let mineNow = phase.isIn(.wait) && fields.isCompletion && fields.requester == requester && fields.tag[0..<8] == tag
    let heldMine = m.register("held_mine")
    let mine = m.wire("mine")
    mine <== mux(returning.start, mineNow, heldMine)
    when(returning.fires && returning.start) { heldMine <== mineNow }
    returning.ready <== mine || passing.ready
    passing.valid <== returning.valid && !mine
    passing.header <== returning.header
    passing.data <== returning.data
    passing.strobe <== returning.strobe
    passing.start <== returning.start
    passing.end <== returning.end
    let answers = m.wire("answers")
    answers <== returning.fires && returning.start && mineNow

    request.valid <== phase.isIn(.issue)
    request.header <== header
    request.data <== data.zeroExtended(to: width)
    request.strobe <== carriesData.zeroExtended(to: width / 32)
    request.start <== true
    request.end <== true

    m.output("busy") <== !phase.isIn(.idle)
    m.output("go_clear") <== phase.isIn(.idle) && go
    m.output("done_set") <== answers || phase.isIn(.wait) && waited == timeoutCycles || phase.isIn(.idle) && go && noSuchDevice
    m.output("timed_out") <== timedOut
    m.output("completion_status", width: 3) <== status
    m.output("read_data", width: 32) <== readData

    switchOn(phase.state) {
      phase.on(.idle) {
        when(go && noSuchDevice) {
          status <== Signal.constant(Int(CompletionStatus.unsupportedRequest.rawValue), width: 3)
          readData <== mux(isWrite, Signal.zero(width: 32), failedRead)
          timedOut <== false
        }.elseWhen(go) {
          header <== concat(dw0, dw1, dw2, Signal.zero(width: 32))
          data <== writeData
          carriesData <== isWrite
          tag <== tag + 1
          phase.goto(.issue)
        }
      }
      phase.on(.issue) {
        when(request.fires) {
          waited <== 0
          phase.goto(.wait)
        }
      }
      phase.on(.wait) {
        waited <== waited + 1
        when(answers) {
          status <== fields.status
          readData <== mux(fields.hasData && fields.status == 0, returning.data[0..<32], mux(carriesData, Signal.zero(width: 32), failedRead))
          timedOut <== false
          phase.goto(.idle)
        }.elseWhen(waited == timeoutCycles) {
          status <== 0
          readData <== mux(carriesData, Signal.zero(width: 32), failedRead)
          timedOut <== true
          phase.goto(.idle)
        }
      }
    }
  }
}
