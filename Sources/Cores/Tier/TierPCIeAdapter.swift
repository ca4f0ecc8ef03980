import HDL
import PCIe

/// What the adapter is doing: taking a TLP's payload, asking the controller, moving write data,
/// waiting for its answers, sending completions; or serving a register access.
enum AdapterPhase: CaseIterable {
  case idle, gather, request, writeData, writeResponse, readData, reply, registerAccess, registerReply, drain
}

/// The PCIe side of the memory-tier controller: memory requests that `pcieEndpoint` routed to
/// the space BAR (`space`, with `space_offset` = the byte address in the unified space) become
/// requests on the controller's request port, and register requests (`registers`, with
/// `registers_offset`) become accesses on `mmio`. One TLP at a time, store and forward.
///
/// - MWr: the payload is gathered, then written as 64-bit beats from the DW-aligned address
///   with strobes from First/Last DW BE (a write starting in the upper DW of a beat is shifted
///   into place). Posted: nothing answers, whatever the controller says. Poisoned writes are
///   dropped (their data must not be used, PCIe Base Specification 6.3, §2.7.2.2), and so are
///   writes longer than `maxPayloadBytes`.
/// - MRd: the controller's beats are gathered, then returned as CplDs split at every
///   Max_Payload_Size-aligned address (`max_payload_size`, from Device Control): each
///   completion but the last ends on such a boundary, which is also a Read Completion Boundary
///   (64 or 128 bytes divide every Max_Payload_Size), so the split is one §2.3.1.1 allows; Byte
///   Count is what is left of the request (Table 2-40), Lower Address the completion's first
///   byte (Table 2-41).
/// - A read that fails — a page fault, a store error, a request the controller refuses, or a
///   read longer than `maxReadBytes` — is answered with one Completer Abort completion:
///   the BAR claims the address, so the request is supported and UR would be wrong; the page's
///   being unmapped is a condition of the device's programming model, for which §2.3.1 names
///   CA ("the Completer is unable to complete the Request ... in violation of the programming
///   model"). `completer_abort` pulses for Status.Signaled Target Abort; the controller has
///   already raised its PAGE_FAULT interrupt with the address.
/// - Registers: a one-DW MRd or MWr accesses the register at the offset with First DW BE as
///   strobes; offsets outside the block read 0 and ignore writes (as unimplemented
///   configuration registers do). Longer reads get CA; longer writes are dropped.
///
/// Completions carry Completer ID `id` (the function's captured ID).
public func tierPCIeAdapter(pageShift: Int, spaceBits: Int, registerAddressWidth: Int, maxPayloadBytes: Int = 256,
                            maxReadBytes: Int = 4096, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("tier_pcie_adapter", parameters: ["shift": pageShift, "space": spaceBits, "aw": registerAddressWidth,
                                           "mps": maxPayloadBytes, "mrrs": maxReadBytes]) { m in
    m.require((12...31).contains(pageShift), "tierPCIeAdapter: pageShift \(pageShift) is outside 12...31", file: file, line: line)
    m.require((12...62).contains(spaceBits), "tierPCIeAdapter: spaceBits \(spaceBits) is outside 12...62", file: file, line: line)
    m.require((2...12).contains(registerAddressWidth), "tierPCIeAdapter: registerAddressWidth \(registerAddressWidth) is outside 2...12",
              file: file, line: line)
    for (name, bytes) in [("maxPayloadBytes", maxPayloadBytes), ("maxReadBytes", maxReadBytes)] {
      m.require([128, 256, 512, 1024, 2048, 4096].contains(bytes), "tierPCIeAdapter: \(name) \(bytes) is not a power of two in 128...4096",
                file: file, line: line)
    }
    let shift = min(max(pageShift, 12), 31)
    let aw = min(max(registerAddressWidth, 2), 12)
    let writeDepth = max(maxPayloadBytes, 128) / 8, readDepth = max(maxReadBytes, 128) / 8
    let beatBits = bitsToHold(1 << (shift - 3))

    let space = m.port("space", TLPStream(dataWidth: 64).flipped)
    let spaceOffset = m.input("space_offset", width: min(max(spaceBits, 12), 62))
    let registers = m.port("registers", TLPStream(dataWidth: 64).flipped)
    let registersOffset = m.input("registers_offset", width: 12)
    let completion = m.port("completion", TLPStream(dataWidth: 64))
    let id = m.input("id", width: 16)
    let payloadCode = m.input("max_payload_size", width: 3)
    let completerAbort = m.output("completer_abort")
    let req = (valid: m.output("req_valid"), ready: m.input("req_ready"), write: m.output("req_write"),
               address: m.output("req_address", width: 64), beats: m.output("req_beats", width: beatBits))
    let wdata = (valid: m.output("wdata_valid"), ready: m.input("wdata_ready"), data: m.output("wdata_data", width: 64),
                 strobe: m.output("wdata_strobe", width: 8))
    let rsp = (valid: m.input("rsp_valid"), ready: m.output("rsp_ready"), data: m.input("rsp_data", width: 64),
               last: m.input("rsp_last"), status: m.input("rsp_status", width: 2))
    let mmio = m.port("mmio", MMIO(addressWidth: aw))

    let phase = m.fsm("phase", AdapterPhase.self, initial: .idle)
    let header = m.register("header", width: TLPStream.headerWidth, reset: nil)
    let offset = m.register("offset", width: 64, reset: nil)
    let fields = TLPHeaderFields(header)
    let writeBanks = [m.memory("write_even", depth: writeDepth, width: 32), m.memory("write_odd", depth: writeDepth, width: 32)]
    let readBanks = [m.memory("read_even", depth: readDepth, width: 32), m.memory("read_odd", depth: readDepth, width: 32)]
    let wIndex = bitsToIndex(writeDepth), rIndex = bitsToIndex(readDepth)
    let beat = m.register("beat", width: 11)        // payload beat gathered, request beat sent or received
    let dwOffset = m.register("dw_offset", width: 11)  // first DW of the completion being sent
    let sent = m.register("completion_beat", width: 10)
    let remaining = m.register("remaining", width: 13)  // bytes of the read not yet completed
    let failed = m.register("failed")
    let firstCompletion = m.register("first_completion")
    let answered = m.register("answered")  // the controller's answer to a write has come
    let registerData = m.register("register_data", width: 32, reset: nil)

    // The request as the controller sees it: 8-byte aligned, upper DW first when address bit 2 is set.
    let upper = offset[2]
    let length = fields.length
    let beats = m.wire("beats", width: 11)
    beats <== (upper.zeroExtended(to: 11) + length + 1) >> 1
    req.valid <== phase.isIn(.request)
    req.write <== fields.hasData
    req.address <== concat(offset[3..<64], Signal.zero(width: 3))
    req.beats <== beats.resized(to: beatBits)

    // Write beats: request beat k holds payload DWs 2k − upper and 2k + 1 − upper.
    let k = beat.zeroExtended(to: 12)
    let lowDW = m.wire("low_dw", width: 12), highDW = m.wire("high_dw", width: 12)
    lowDW <== (k << 1) - upper.zeroExtended(to: 12)
    highDW <== lowDW + 1
    let lowIsPayload = !(upper && beat == 0)
    wdata.valid <== phase.isIn(.writeData)
    wdata.strobe <== concat(byteEnables(of: highDW, fields), mux(lowIsPayload, byteEnables(of: lowDW, fields), Signal.zero(width: 4)))
    // Upper DW first: beat k is (even bank k, odd bank k − 1); otherwise (odd bank k, even bank k).
    let highWord = mux(upper, writeBanks[0][beat.resized(to: wIndex)], writeBanks[1][beat.resized(to: wIndex)])
    let lowWord = mux(upper, writeBanks[1][(beat - 1).resized(to: wIndex)], writeBanks[0][beat.resized(to: wIndex)])
    wdata.data <== concat(highWord, lowWord)

    // Completions: DWs from `dw_offset`, at most to the next Max_Payload_Size boundary.
    let addressDW = m.wire("address_dw", width: 10)
    addressDW <== (offset[2..<12] + dwOffset.resized(to: 10))
    let mpsDWs = m.wire("mps_dws", width: 11)
    mpsDWs <== Signal.constant(32, width: 11) << payloadCode
    let toBoundary = m.wire("to_boundary", width: 11)
    toBoundary <== mpsDWs - (addressDW.zeroExtended(to: 11) & (mpsDWs - 1))
    let left = m.wire("dws_left", width: 11)
    left <== length - dwOffset
    let count = m.wire("completion_dws", width: 11)
    count <== mux(left < toBoundary, left, toBoundary)
    let covered = m.wire("covered_bytes", width: 13)
    let leading = mux(firstCompletion, completionLowerAddress(fields)[0..<2].zeroExtended(to: 13), Signal.zero(width: 13))
    covered <== (count.zeroExtended(to: 13) << 2) - leading
    let d0 = dwOffset + (sent.zeroExtended(to: 11) << 1)
    let odd = dwOffset[0]
    let index0 = (d0 >> 1).resized(to: rIndex), index1 = ((d0 + 1) >> 1).resized(to: rIndex)
    let lane0 = mux(odd, readBanks[1][index0], readBanks[0][index0])
    let lane1 = mux(odd, readBanks[0][index1], readBanks[1][index0])
    let lastBeat = (sent.zeroExtended(to: 11) + 1) << 1 >= count
    let lowerAddress = mux(firstCompletion, completionLowerAddress(fields), concat(addressDW[0..<5], Signal.zero(width: 2)))
    let success = Signal.constant(Int(CompletionStatus.successful.rawValue), width: 3)
    let abort = Signal.constant(Int(CompletionStatus.completerAbort.rawValue), width: 3)
    let dataHeader = completionHeader(answering: fields, completer: id, status: success, byteCount: remaining[0..<12],
                                      lowerAddress: lowerAddress, withData: true, length: count.resized(to: 10))
    let abortHeader = completionHeader(answering: fields, completer: id, status: abort, byteCount: requestedByteCount(fields),
                                       lowerAddress: completionLowerAddress(fields))
    let registerHeader = completionHeader(answering: fields, completer: id, status: success, byteCount: requestedByteCount(fields),
                                          lowerAddress: completionLowerAddress(fields), withData: true, length: .constant(1, width: 10))
    let replying = phase.isIn(.reply), registerReplying = phase.isIn(.registerReply)
    completion.valid <== replying || registerReplying
    completion.header <== mux(failed, abortHeader, mux(registerReplying, registerHeader, dataHeader))
    completion.data <== mux(registerReplying, registerData.zeroExtended(to: 64), concat(lane1, lane0))
    completion.strobe <== mux(failed, Signal.zero(width: 2),
                              mux(registerReplying, Signal.constant(1, width: 2), concat(!lastBeat || (count[0] == 0), Signal.high)))
    completion.start <== sent == 0
    completion.end <== failed || registerReplying || lastBeat
    completerAbort <== completion.fires && failed

    // Register accesses.
    let inBlock = registersOffset[aw..<12] == 0
    let registerInBlock = m.register("register_in_block")
    mmio.valid <== phase.isIn(.registerAccess) && registerInBlock
    mmio.write <== fields.hasData
    mmio.address <== offset[0..<aw]
    mmio.writeData <== registerData
    mmio.strobe <== fields.firstByteEnables

    space.ready <== phase.isIn(.idle) || phase.isIn(.gather) || phase.isIn(.drain)
    registers.ready <== (phase.isIn(.idle) && !space.valid) || phase.isIn(.drain)
    rsp.ready <== phase.isIn(.readData) || ((phase.isIn(.writeData) || phase.isIn(.writeResponse)) && !answered)

    let spaceStart = space.fires && space.start
    // Named *unused* for Verilator -Wall: header fields a memory completer does not act on,
    // payload lanes of one-DW register writes, stream bits the phase already implies.
    let unusedBits = m.wire("unused_adapter_bits", width: 2 * TLPStream.headerWidth + 2 + 32 + 2 + 1 + 1)
    unusedBits <== concat(header, space.strobe, space.header, registers.data[32..<64], registers.strobe, registers.end, rsp.last)

    switchOn(phase.state) {
      phase.on(.idle) {
        beat <== 0
        sent <== 0
        dwOffset <== 0
        failed <== false
        answered <== false
        firstCompletion <== true
        when(spaceStart) {
          header <== space.header
          offset <== spaceOffset.zeroExtended(to: 64)
          writeBanks[0][Signal.zero(width: wIndex)] <== space.data[0..<32]
          writeBanks[1][Signal.zero(width: wIndex)] <== space.data[32..<64]
          beat <== 1
          let incoming = TLPHeaderFields(space.header)
          let drop = incoming.hasData && (incoming.poisoned || incoming.length > maxPayloadBytes / 4)
          remaining <== mux(requestedByteCount(incoming) == 0, Signal.constant(4096, width: 13), requestedByteCount(incoming).zeroExtended(to: 13))
          when(drop) {
            when(!space.end) { phase.goto(.drain) }
          }.elseWhen(!space.end) {
            phase.goto(.gather)
          }.elseWhen(!incoming.hasData && incoming.length > maxReadBytes / 4) {
            failed <== true
            phase.goto(.reply)
          }.otherwise {
            phase.goto(.request)
          }
        }.elseWhen(registers.fires && registers.start) {
          header <== registers.header
          offset <== registersOffset.zeroExtended(to: 64)
          registerData <== registers.data[0..<32]
          registerInBlock <== inBlock
          let incoming = TLPHeaderFields(registers.header)
          when(incoming.length != 1) {
            failed <== !incoming.hasData
            when(!registers.end) { phase.goto(.drain) }.elseWhen(!incoming.hasData) { phase.goto(.registerReply) }
          }.otherwise {
            phase.goto(.registerAccess)
          }
        }
      }
      phase.on(.gather) {
        when(space.fires) {
          writeBanks[0][beat.resized(to: wIndex)] <== space.data[0..<32]
          writeBanks[1][beat.resized(to: wIndex)] <== space.data[32..<64]
          beat <== beat + 1
          when(space.end) { phase.goto(.request) }
        }
      }
      phase.on(.drain) {
        when(space.fires && space.end || registers.fires && registers.end) {
          phase.state <== mux(failed, phase.constant(.registerReply), phase.constant(.idle))
        }
      }
      phase.on(.request) {
        beat <== 0
        when(req.valid && req.ready) {
          phase.state <== mux(fields.hasData, phase.constant(.writeData), phase.constant(.readData))
        }
      }
      phase.on(.writeData) {
        when(rsp.valid && rsp.ready) { answered <== true }
        when(wdata.ready) {
          beat <== beat + 1
          when(beat + 1 == beats) { phase.goto(.writeResponse) }
        }
      }
      phase.on(.writeResponse) {
        when(answered || rsp.valid) { phase.goto(.idle) }
      }
      phase.on(.readData) {
        when(rsp.valid) {
          when(rsp.status != 0) { failed <== true }
          // Response beat k holds payload DWs 2k − upper and 2k + 1 − upper.
          when(upper) {
            when(beat != 0) { readBanks[1][(beat - 1).resized(to: rIndex)] <== rsp.data[0..<32] }
            readBanks[0][beat.resized(to: rIndex)] <== rsp.data[32..<64]
          }.otherwise {
            readBanks[0][beat.resized(to: rIndex)] <== rsp.data[0..<32]
            readBanks[1][beat.resized(to: rIndex)] <== rsp.data[32..<64]
          }
          beat <== beat + 1
          when(rsp.last) { phase.goto(.reply) }
        }
      }
      phase.on(.reply) {
        when(completion.fires) {
          sent <== sent + 1
          when(failed) {
            phase.goto(.idle)
          }.elseWhen(lastBeat) {
            sent <== 0
            firstCompletion <== false
            dwOffset <== dwOffset + count
            remaining <== remaining - covered
            when(dwOffset + count == length) { phase.goto(.idle) }
          }
        }
      }
      phase.on(.registerAccess) {
        when(!registerInBlock) {
          registerData <== 0
          phase.state <== mux(fields.hasData, phase.constant(.idle), phase.constant(.registerReply))
        }.elseWhen(mmio.ready) {
          registerData <== mux(mmio.error, Signal.zero(width: 32), mmio.readData)
          phase.state <== mux(fields.hasData, phase.constant(.idle), phase.constant(.registerReply))
        }
      }
      phase.on(.registerReply) {
        when(completion.fires) { phase.goto(.idle) }
      }
    }
  }
}

/// The byte enables of payload DW `dw` (12 bits) of the request `fields`: First DW BE for the
/// first, Last DW BE for the last of several, all four bytes between, none past the end.
private func byteEnables(of dw: Signal, _ fields: TLPHeaderFields) -> Signal {
  let length = fields.length.zeroExtended(to: 12)
  let edge = mux(dw == 0, fields.firstByteEnables, mux(dw == length - 1, fields.lastByteEnables, Signal.ones(width: 4)))
  return mux(dw < length, mux(length == 1, fields.firstByteEnables, edge), Signal.zero(width: 4))
}
