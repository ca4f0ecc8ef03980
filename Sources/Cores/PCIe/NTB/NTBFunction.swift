import Board
import HDL
import PCIe

/// One non-transparent bridge function (issue [switch], "The NTB function"; docs/switch.md):
///
/// - `local_in`/`local_out`: TLPs to and from the switch downstream port it hangs off;
/// - `peer_in`/`peer_out`: the crosslink to the peer NTB function;
/// - `mmio`: the management port onto `ntbRegisters(layout)` (zero wait states, except that a
///   write that must be sent to the peer waits while the queue of peer operations is full);
/// - `irq` (`NTBLayout.vectors` lines, level): doorbells, messages and link changes by vector;
/// - `phy_up`, `link_speed`, `link_width`: the crosslink's physical state.
///
/// Outbound: a memory request from the local side addressed to a memory window
/// (`APERTURE_BASE` + w × window size) that fits in the window's `SIZE_LOG2` bytes, from a
/// requester in the requester-ID table, leaves on `peer_out` with its address translated
/// (window translation + offset, or the lookup-table entry's translation + offset within the
/// entry) and Requester ID = `LOCAL_BUS`:entry index; its tag is kept. A refused read gets an
/// Unsupported Request completion on `local_out`; a refused write is dropped. Completions from
/// the local side for a proxy ID (bus = `LOCAL_BUS`) cross unchanged.
///
/// Inbound: memory requests from the peer leave on `local_out` with the Requester bus
/// replaced by `LOCAL_BUS` (so their completions come back here); completions from the peer
/// get the Requester ID of their requester-ID table entry back (the device/function of the
/// proxy ID is the entry). Peer operations (`NTBPeerOperation`) are consumed. Requests from
/// the peer while the link is down, and everything else, are dropped and counted.
///
/// `bus_master_enable` is the function's Command register bit (§7.5.1.1.3): this function is
/// the requester of what it sends on `local_out`, so with the bit clear it issues no memory
/// requests there. A peer's read it cannot issue is answered across the link with an
/// Unsupported Request completion from `LOCAL_BUS`:00.0 (which the peer's function returns to
/// the original requester); a peer's write is dropped; both count in `peer_dropped_count` and
/// set REQUEST_REFUSED. MSIs wait until the bit is set. Each host thus governs what reaches its
/// own memory, as Linux's NTB drivers call pci_set_master on their own NT endpoint
/// (intel_ntb_init_pci; switchtec_init_pci for ntb_hw_switchtec); requests leaving towards the
/// peer are the peer function's to issue.
///
/// The data path is cut-through and decides on a TLP's first beat, so clearing
/// `LINK_CONTROL.ENABLE` is a barrier: no request starts across the link after the write.
///
/// `crosslinkCredits` puts credit-based flow control on the crosslink (`NTBCrosslinkCredits`):
/// a per-class receive buffer on `peer_in`, a per-class egress on `peer_out`, credit sideband
/// ports, and `local_room_*` inputs by which peer TLPs of a class the local side cannot take
/// are refused so that other classes pass. Without it the crosslink is plain ready/valid.
public func ntbFunction(config: NTBConfig, dataWidth: Int, crosslinkCredits: NTBCrosslinkCredits? = nil,
                        file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  try ntbFunction(layout: NTBLayout(config), dataWidth: dataWidth, crosslinkCredits: crosslinkCredits, file: file, line: line)
}

public func ntbFunction(layout: NTBLayout, dataWidth: Int, crosslinkCredits: NTBCrosslinkCredits? = nil,
                        file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  let map = try ntbRegisters(layout)
  let variant = ([("dw", dataWidth)] + map.parameters).map { "_\($0.0)\($0.1)" }.joined() + (crosslinkCredits?.nameSuffix ?? "")
  return Module("ntb_function" + variant) { m in
    m.require([64, 128, 256].contains(dataWidth), "ntbFunction: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    NTBFunctionBody(layout: layout, map: map, dataWidth: [64, 128, 256].contains(dataWidth) ? dataWidth : 64,
                    credits: crosslinkCredits, file: file, line: line, m: m).statements()
  }
}

/// Builds the body of `ntbFunction`.
private struct NTBFunctionBody {
  let layout: NTBLayout
  let map: RegisterMap
  let dataWidth: Int
  let credits: NTBCrosslinkCredits?
  let file: StaticString
  let line: UInt
  let m: ModuleBuilder

  func statements() -> [Statement] {
    let width = dataWidth
    let localIn = m.port("local_in", TLPStream(dataWidth: width).flipped)
    let localOut = m.port("local_out", TLPStream(dataWidth: width))
    let peerLinkIn = m.port("peer_in", TLPStream(dataWidth: width).flipped)
    let peerOut = m.port("peer_out", TLPStream(dataWidth: width))
    let phyUp = m.input("phy_up")
    let link = credits.map { crosslinkQueues($0, peerIn: peerLinkIn, peerOut: peerOut, phyUp: phyUp) }
    let peerIn = link?.received ?? peerLinkIn
    let mmio = m.port("mmio", MMIO(addressWidth: map.addressWidth, dataWidth: 32).flipped)
    let irq = m.output("irq", width: NTBLayout.vectors)
    let linkSpeed = m.input("link_speed", width: 4)
    let linkWidth = m.input("link_width", width: 6)
    let busMaster = m.input("bus_master_enable")
    let localDropped = m.output("local_dropped_count", width: 16)
    let peerDropped = m.output("peer_dropped_count", width: 16)

    let regs = m.instance(registerBlock(map), name: "regs")
    func out(_ register: String, _ field: String) -> Signal { regs[RegisterNames.port(register: register, field: field, suffix: "out")] }
    func pin(_ register: String, _ field: String, _ suffix: String) -> Signal {
      regs[RegisterNames.port(register: register, field: field, suffix: suffix)]
    }
    var body: [Statement] = []

    // Link state.
    let enable = out("LINK_CONTROL", "ENABLE")
    let localBus = out("NTB_IDENTITY", "LOCAL_BUS")
    let peerEnabled = m.register("peer_enabled")
    let up = m.wire("link_up")
    let upBefore = m.register("link_up_before")
    let enableBefore = m.register("enable_before")
    let phyBefore = m.register("phy_up_before")
    body += [up <== phyUp && enable && peerEnabled, upBefore <== up, enableBefore <== enable, phyBefore <== phyUp]
    body += [pin("LINK_STATUS", "UP", "in") <== up, pin("LINK_STATUS", "PEER_ENABLED", "in") <== peerEnabled,
             pin("LINK_STATUS", "SPEED", "in") <== linkSpeed, pin("LINK_STATUS", "WIDTH", "in") <== linkWidth,
             pin("EVENT_STATUS", "LINK_CHANGED", "set") <== up != upBefore]

    // The management port: writes that reach the peer, and reads of the peer's scratchpads, go
    // through a queue of operations: operation (8), index (8), header bytes 14–15 (16), payload (32).
    let opQueue = m.instance(fifo(depth: 4, width: 64), name: "peer_ops")
    let bus = regs.interface(RegisterNames.busPort, as: MMIO.self)
    let writing = m.wire("mmio_writing")
    body.append(writing <== mmio.valid && mmio.write)
    func at(_ offset: UInt64) -> Signal { mmio.address == Int(offset) }
    let inValid = concat((0..<NTBLayout.messages).reversed().map { pin("MESSAGE_STATUS", "IN\($0)", "out") })
    let outFull = m.register("out_full", width: NTBLayout.messages)
    body.append(pin("MESSAGE_STATUS", "OUT_FULL", "in") <== outFull)
    let released = mmio.writeData[0..<NTBLayout.messages] & inValid

    // (condition, operation, index, needs the link) for each write that is sent.
    var sends: [(Signal, NTBPeerOperation, Int, Bool)] = []
    for w in 0..<layout.doorbellWords { sends.append((at(NTBLayout.peerDoorbellSet(w)), .doorbell, w, true)) }
    for n in 0..<layout.scratchpads { sends.append((at(NTBLayout.peerScratchpad(n)), .scratchpad, n, true)) }
    let messageWrite = (0..<NTBLayout.messages).map { at(NTBLayout.outboundMessage($0)) }
    for n in 0..<NTBLayout.messages { sends.append((messageWrite[n] && !outFull[n], .message, n, true)) }
    sends.append((at(NTBLayout.messageStatus) && released != 0, .messageRelease, 0, false))
    let wantsLink = concat(sends.filter { $0.3 }.map { $0.0 }).reduceOr()
    let sendsAnything = concat(sends.map { $0.0 }).reduceOr()

    // A read of PEER_SCRATCHPAD_n waits while a scratchpad read crosses to the peer and its value
    // comes back into PEER_SCRATCHPAD_n (or all ones when the link is or goes down); then the
    // register block answers it.
    let peerScratchpadAt = (0..<layout.scratchpads).map { at(NTBLayout.peerScratchpad($0)) }
    let readsPeer = m.wire("peer_read")
    body.append(readsPeer <== mmio.valid && !mmio.write && concat(peerScratchpadAt).reduceOr())
    let readWaiting = m.register("peer_read_waiting")
    let readAnswered = m.register("peer_read_answered")
    let readTag = m.register("peer_read_tag", width: 8)
    let readRequest = m.wire("peer_read_request")
    body.append(readRequest <== readsPeer && !readWaiting && !readAnswered && up)

    let enqueue = m.wire("op_enqueue")
    let stall = m.wire("mmio_stall")
    body.append(enqueue <== (writing && sendsAnything && !(wantsLink && !up)) || readRequest)
    body.append(stall <== enqueue && !opQueue["enq_ready"])
    let enqueued = m.wire("op_enqueued")
    body.append(enqueued <== enqueue && !stall)
    let readIndex = priority(peerScratchpadAt.enumerated().map { ($1, Signal.constant($0, width: 8)) }, otherwise: .zero(width: 8))
    let operation = mux(readsPeer, Signal.constant(NTBPeerOperation.scratchpadRead.rawValue, width: 8),
                        priority(sends.map { ($0.0, Signal.constant($0.1.rawValue, width: 8)) }, otherwise: .zero(width: 8)))
    let index = mux(readsPeer, readIndex, priority(sends.map { ($0.0, Signal.constant($0.2, width: 8)) }, otherwise: .zero(width: 8)))
    // A scratchpad write names the byte lanes it leaves alone; a read carries its tag.
    let keptLanes = mux(concat(peerScratchpadAt).reduceOr(), (~mmio.strobe).zeroExtended(to: 8), .zero(width: 8))
    let detail = mux(readsPeer, readTag.zeroExtended(to: 16), concat(keptLanes, Signal.zero(width: 8)))
    let payload = mux(readsPeer || !at(NTBLayout.messageStatus), mmio.writeData, released.zeroExtended(to: 32))
    let peerReadHeld = m.wire("peer_read_held")
    body.append(peerReadHeld <== readsPeer && !readAnswered)
    body += [
      opQueue["enq_valid"] <== enqueued, opQueue["enq_data"] <== concat(operation, index, detail, payload),
      bus.valid <== mmio.valid && !stall && !peerReadHeld, bus.write <== mmio.write, bus.address <== mmio.address,
      bus.writeData <== mmio.writeData, bus.strobe <== mmio.strobe,
      mmio.ready <== bus.ready, mmio.readData <== bus.readData, mmio.error <== bus.error,
    ]
    let accepted = m.wire("mmio_write_accepted")
    body.append(accepted <== writing && !stall)
    let readFails = m.wire("peer_read_fails")
    body.append(pin("EVENT_STATUS", "PEER_OP_DROPPED", "set") <== (accepted && wantsLink && !up) || readFails)
    for n in 0..<NTBLayout.messages {
      body.append(pin("MESSAGE_STATUS", "REFUSED\(n)", "set") <== accepted && messageWrite[n] && (outFull[n] || !up))
    }

    // Link announcements go first, then the answer to a peer's scratchpad read, then queued
    // operations.
    let announce = m.register("announce_link")
    let replyPending = m.register("spad_reply_pending")
    let replyIndex = m.register("spad_reply_index", width: 8)
    let replyTag = m.register("spad_reply_tag", width: 8)
    let replyValue = m.register("spad_reply_value", width: 32, reset: nil)
    let opHead = opQueue["deq_data"]
    let opValid = m.wire("op_valid")
    body.append(opValid <== announce || replyPending || opQueue["deq_valid"])
    let opHeader = ntbPeerOperationHeader(
      operation: priority([(announce, Signal.constant(NTBPeerOperation.link.rawValue, width: 8)),
                           (replyPending, Signal.constant(NTBPeerOperation.scratchpadValue.rawValue, width: 8))], otherwise: opHead[56..<64]),
      index: priority([(announce, Signal.zero(width: 8)), (replyPending, replyIndex)], otherwise: opHead[48..<56]),
      detail: priority([(announce, Signal.zero(width: 16)), (replyPending, replyTag.zeroExtended(to: 16))], otherwise: opHead[32..<48]),
      requesterBus: localBus)
    let opPayload = priority([(announce, enable.zeroExtended(to: 32)), (replyPending, replyValue)], otherwise: opHead[0..<32])

    // Merges in front of the two outputs.
    let toPeer = m.instance(tlpMerge(inputs: 3, dataWidth: width), name: "to_peer")
    // With credits the receive buffer may replace a head that waits with another class's head
    // (`switchEgress(refusable:)`), so the merge towards the local side must let an untaken first
    // beat be withdrawn.
    let toLocal = m.instance(tlpMerge(inputs: 3, dataWidth: width, withdrawable: credits != nil), name: "to_local")
    let peerForward = toPeer.interface("in0", as: TLPStream.self)
    let peerOperations = toPeer.interface("in1", as: TLPStream.self)
    let peerUnsupported = toPeer.interface("in2", as: TLPStream.self)
    let localForward = toLocal.interface("in0", as: TLPStream.self)
    let localUnsupported = toLocal.interface("in1", as: TLPStream.self)
    let localMSI = toLocal.interface("in2", as: TLPStream.self)
    if let link {
      body += afterCuts(toPeer.interface("out", as: TLPStream.self), to: link.toPeer, down: link.down)
    } else {
      body.append(connect(toPeer.interface("out", as: TLPStream.self), to: peerOut))
    }
    body += [
             connect(toLocal.interface("out", as: TLPStream.self), to: localOut)]
    body += link?.statements ?? []
    // With credits, a TLP starts into the merge towards the peer only when its class has room
    // in the egress queue, so it never stops half-way there holding the other classes.
    // (Without credits the expressions stay as they were, so those modules keep their Verilog.)
    func peerRoom(_ valid: Signal, _ fields: TLPHeaderFields, start: Signal? = nil) -> Signal {
      guard let link else { return valid }
      let admits = EgressRoom.admits(fields, lanes: width / 32, rooms: link.peerRooms)
      return valid && (start.map { !$0 || admits } ?? admits)
    }
    let unusedGrants = m.wire("unused_grants", width: 6)
    body.append(unusedGrants <== concat(toPeer["grant"], toLocal["grant"]))

    let opOffered = peerRoom(opValid, TLPHeaderFields(opHeader))
    body += oneBeat(peerOperations, valid: opOffered, header: opHeader, payload: opPayload)
    body.append(opQueue["deq_ready"] <== (link == nil ? peerOperations.ready : peerOperations.ready && opOffered) && !announce && !replyPending)
    body.append(when(peerOperations.fires) {
      announce <== false
      when(!announce) { replyPending <== false }
    })
    body.append(when(enable != enableBefore || (phyUp && !phyBefore)) { announce <== true })
    body.append(when(!phyUp) { peerEnabled <== false })

    // Outbound: the local side.
    let local = TLPHeaderFields(localIn.header)
    let state = translationState(regs, up: up, localBus: localBus)
    let outbound = NTBOutboundDecision(local, layout: layout, state: state)
    let heldToPeer = m.register("held_to_peer")
    let localDecision = m.wire("local_decision")
    body += offered(localIn, decision: localDecision, live: outbound.toPeer, name: "local")
    let localToPeer = m.wire("local_to_peer")
    body.append(localToPeer <== mux(localIn.start, localDecision, heldToPeer))
    let urValid = m.register("ur_valid")
    let urHeader = m.register("ur_header", width: TLPStream.headerWidth, reset: nil)
    let answersUR = m.wire("answers_ur")
    body.append(answersUR <== localIn.start && !localDecision && local.isNonPosted)
    let peerTakes = link == nil ? peerForward.ready : peerRoom(peerForward.ready, local, start: localIn.start)
    body.append(localIn.ready <== priority([(localToPeer, peerTakes), (answersUR, !urValid)], otherwise: .high))
    body += forward(localIn, to: peerForward, when: peerRoom(localToPeer, local, start: localIn.start), header: outbound.peerHeader)
    let localFirst = m.wire("local_first_beat")
    body.append(localFirst <== localIn.fires && localIn.start)
    body.append(when(localFirst) { heldToPeer <== localDecision })
    body += oneBeat(localUnsupported, valid: urValid, header: urHeader, payload: .zero(width: 32))
    body.append(when(localUnsupported.fires) { urValid <== false })
    body.append(when(localFirst && answersUR) {
      urValid <== true
      urHeader <== unsupportedRequestCompletionHeader(local, completer: concat(localBus, Signal.zero(width: 8)))
    })
    let refusedFromPeer = m.wire("refused_from_peer")
    body += count("local_dropped", localDropped, localFirst && !localDecision && !answersUR)

    // Inbound: the peer side.
    let peer = TLPHeaderFields(peerIn.header)
    let op = ntbPeerOperationFields(peer)
    let entry = peer.requester[0..<8]
    let entryValid = entry < NTBLayout.requesterEntries
      && select(entry[0..<bitsToIndex(NTBLayout.requesterEntries)], state.requesterValid)
    let liveToLocal = (peer.isMemoryRequest && up && busMaster) || (peer.isCompletion && entryValid)
    // A peer's request this function may not issue on the local side (Bus Master Enable clear).
    let notMaster = peer.isMemoryRequest && up && !busMaster
    let peerURValid = m.register("peer_ur_valid")
    let peerURHeader = m.register("peer_ur_header", width: TLPStream.headerWidth, reset: nil)
    let peerAnswersUR = m.wire("peer_answers_ur")
    body.append(peerAnswersUR <== peerIn.start && notMaster && peer.isNonPosted)
    let heldToLocal = m.register("held_to_local")
    let peerDecision = m.wire("peer_decision")
    // With credits, a peer TLP the local side has no room for (or a read whose UR answer must
    // wait) is refused: the receive buffer offers another class's head that may pass it. The head
    // offered may change while it waits, so the decision is the one for the head offered now
    // (nothing is kept from an untaken beat; the merge to the local side is withdrawable).
    let refusal = link.map { link -> (refused: Signal, localTakes: Signal) in
      let admits = !peerIn.start || EgressRoom.admits(peer, lanes: width / 32, rooms: link.localRooms)
      return (peerIn.valid && peerIn.start && ((peerDecision && !admits) || (peerAnswersUR && peerURValid)), admits)
    }
    if let link, let refusal {
      body += [peerDecision <== liveToLocal, link.refuse <== refusal.refused]
    } else {
      body += offered(peerIn, decision: peerDecision, live: liveToLocal, name: "peer")
    }
    let peerToLocal = m.wire("peer_to_local")
    body.append(peerToLocal <== mux(peerIn.start, peerDecision, heldToLocal))
    let raw = peer.raw
    let restored = select(entry[0..<bitsToIndex(NTBLayout.requesterEntries)], state.requesterID)
    let localHeader = mux(peer.isCompletion, concat(raw[64..<128], restored, raw[0..<48]),
                          concat(raw[96..<128], localBus, raw[0..<88]))
    let localTakes = refusal.map { localForward.ready && $0.localTakes } ?? localForward.ready
    let inboundReady = priority([(peerToLocal, localTakes), (peerAnswersUR, !peerURValid)], otherwise: .high)
    if let link, let refusal {
      body += closingAfterCuts(peerIn, ready: inboundReady, to: localForward, when: peerToLocal && refusal.localTakes,
                               header: localHeader, down: link.down)
    } else {
      body.append(peerIn.ready <== inboundReady)
      body += forward(peerIn, to: localForward, when: peerToLocal, header: localHeader)
    }
    let peerFirst = m.wire("peer_first_beat")
    body.append(peerFirst <== peerIn.fires && peerIn.start)
    body.append(when(peerFirst) { heldToLocal <== peerDecision })
    body += oneBeat(peerUnsupported, valid: peerRoom(peerURValid, TLPHeaderFields(peerURHeader)), header: peerURHeader, payload: .zero(width: 32))
    body.append(when(peerUnsupported.fires) { peerURValid <== false })
    body.append(when(peerFirst && peerAnswersUR) {
      peerURValid <== true
      peerURHeader <== unsupportedRequestCompletionHeader(peer, completer: concat(localBus, Signal.zero(width: 8)))
    })
    body.append(refusedFromPeer <== peerFirst && notMaster)
    body.append(pin("EVENT_STATUS", "REQUEST_REFUSED", "set") <== localFirst && !localDecision && outbound.refused || refusedFromPeer)
    body += count("peer_dropped", peerDropped, peerFirst && !peerDecision && !op.isOperation)

    // Peer operations take effect as they arrive.
    let arrives = m.wire("op_arrives")
    body.append(arrives <== peerFirst && op.isOperation)
    let value = peerIn.data[0..<32]
    func arriving(_ kind: NTBPeerOperation, _ n: Int) -> Signal { arrives && op.operation == kind.rawValue && op.index == n }
    for w in 0..<layout.doorbellWords {
      for i in (w * 32)..<min(layout.doorbells, w * 32 + 32) {
        body.append(pin("DOORBELL_STATUS_\(w)", "DB\(i)", "set") <== arriving(.doorbell, w) && value[i - w * 32])
      }
    }
    // A scratchpad write changes the lanes it does not leave alone.
    let written = concat((0..<4).reversed().map { (!op.keptLanes[$0]).replicated(8) })
    let scratchpads = (0..<layout.scratchpads).map { out("SCRATCHPAD_\($0)", "VALUE") }
    for n in 0..<layout.scratchpads {
      body += [pin("SCRATCHPAD_\(n)", "VALUE", "load") <== arriving(.scratchpad, n),
               pin("SCRATCHPAD_\(n)", "VALUE", "load_value") <== (scratchpads[n] & ~written) | (value & written)]
    }
    // The peer reads a scratchpad: its value now, sent back with the read's tag. The peer has one
    // read outstanding at a time, so one answer register is enough.
    body.append(when(arrives && op.operation == NTBPeerOperation.scratchpadRead.rawValue) {
      replyPending <== true
      replyIndex <== op.index
      replyTag <== op.tag
      replyValue <== priority(scratchpads.enumerated().map { (op.index == $0, $1) }, otherwise: .ones(width: 32))
    })
    // Our read's answer (a stale one, from a read that already failed, has another tag).
    let answer = m.wire("peer_read_answer")
    body.append(answer <== arrives && op.operation == NTBPeerOperation.scratchpadValue.rawValue && op.tag == readTag && readWaiting)
    body.append(readFails <== peerReadHeld && !up && !answer)
    for n in 0..<layout.scratchpads {
      body += [pin("PEER_SCRATCHPAD_\(n)", "VALUE", "load") <== peerScratchpadAt[n] && (answer || readFails),
               pin("PEER_SCRATCHPAD_\(n)", "VALUE", "load_value") <== mux(readFails, .ones(width: 32), value)]
    }
    body.append(when(enqueued && readRequest) { readWaiting <== true })
    body.append(when(answer || readFails) {
      readWaiting <== false
      readAnswered <== true
      readTag <== readTag + 1
    })
    body.append(when(readAnswered && readsPeer) { readAnswered <== false })
    for n in 0..<NTBLayout.messages {
      body += [pin("INBOUND_MESSAGE_\(n)", "VALUE", "load") <== arriving(.message, n),
               pin("INBOUND_MESSAGE_\(n)", "VALUE", "load_value") <== value,
               pin("MESSAGE_STATUS", "IN\(n)", "set") <== arriving(.message, n)]
    }
    let releasedByPeer = mux(arriving(.messageRelease, 0), value[0..<NTBLayout.messages], .zero(width: NTBLayout.messages))
    let sentMessage = concat((0..<NTBLayout.messages).reversed().map { n in
      enqueued && operation == NTBPeerOperation.message.rawValue && index == n })
    body.append(outFull <== (outFull & ~releasedByPeer) | sentMessage)
    body.append(when(arriving(.link, 0)) { peerEnabled <== value[0] && phyUp })

    // A UR answer for the peer does not outlive the link (its queues restart at link down).
    if let link { body.append(when(link.down) { peerURValid <== false }) }

    // Interrupts and MSI.
    body += interrupts(regs, irq: irq, localBus: localBus, msi: localMSI, busMaster: busMaster)
    return body
  }

  /// Register block outputs the translation reads.
  private func translationState(_ regs: Instance, up: Signal, localBus: Signal) -> NTBTranslationState {
    func out(_ register: String, _ field: String) -> Signal { regs[RegisterNames.port(register: register, field: field, suffix: "out")] }
    func address(_ low: String, _ high: String) -> Signal {
      concat(out(high, "ADDRESS"), out(low, "ADDRESS"), Signal.zero(width: 12))
    }
    let windows = 0..<layout.memoryWindows, entries = 0..<layout.lutEntries, requesters = 0..<NTBLayout.requesterEntries
    return NTBTranslationState(
      up: up, localBus: localBus, apertureBase: address("APERTURE_BASE_LOW", "APERTURE_BASE_HIGH"),
      windowValid: windows.map { out("MW\($0)_CONTROL", "VALID") },
      windowLUT: layout.lutEntries > 0 ? windows.map { out("MW\($0)_CONTROL", "LUT") } : [],
      windowSizeLog2: windows.map { out("MW\($0)_CONTROL", "SIZE_LOG2") },
      windowTranslation: windows.map { address("MW\($0)_TRANSLATION_LOW", "MW\($0)_TRANSLATION_HIGH") },
      lutValid: entries.map { out("LUT\($0)_CONTROL", "VALID") }, lutPeer: entries.map { out("LUT\($0)_CONTROL", "PEER") },
      lutTranslation: entries.map { address("LUT\($0)_TRANSLATION_LOW", "LUT\($0)_TRANSLATION_HIGH") },
      requesterValid: requesters.map { out("REQUESTER_ID_\($0)", "VALID") },
      requesterID: requesters.map { out("REQUESTER_ID_\($0)", "ID") })
  }

  /// Level interrupts per vector and, when enabled, one MSI per rising vector (sent once Bus
  /// Master Enable allows: an MSI is a memory write, §7.7.1).
  private func interrupts(_ regs: Instance, irq: Signal, localBus: Signal, msi: TLPStream, busMaster: Signal) -> [Statement] {
    func out(_ register: String, _ field: String) -> Signal { regs[RegisterNames.port(register: register, field: field, suffix: "out")] }
    let vectors = NTBLayout.vectors, vectorBits = bitsToIndex(vectors)
    var raised = [Signal](repeating: .low, count: vectors)
    for i in 0..<layout.doorbells {
      let w = i / 32, r = i / 16
      let pending = out("DOORBELL_STATUS_\(w)", "DB\(i)") && !out("DOORBELL_MASK_\(w)", "MASK")[i % 32]
      let vector = out("DOORBELL_VECTORS_\(r)", "VECTORS")[(2 * (i % 16))..<(2 * (i % 16) + vectorBits)]
      for v in 0..<vectors { raised[v] = raised[v] || (pending && vector == v) }
    }
    let inValid = concat((0..<NTBLayout.messages).reversed().map { out("MESSAGE_STATUS", "IN\($0)") })
    let message = (inValid & ~out("MESSAGE_MASK", "MASK")) != 0 && out("INTERRUPT_ROUTING", "MESSAGE_INTERRUPT")
    let link = out("EVENT_STATUS", "LINK_CHANGED") && out("INTERRUPT_ROUTING", "LINK_INTERRUPT")
    for v in 0..<vectors {
      raised[v] = raised[v] || (message && out("INTERRUPT_ROUTING", "MESSAGE_VECTOR") == v)
        || (link && out("INTERRUPT_ROUTING", "LINK_VECTOR") == v)
    }
    let lines = m.wire("irq_lines", width: vectors)
    let before = m.register("irq_before", width: vectors)
    let msiPending = m.register("msi_pending", width: vectors)
    var body: [Statement] = [lines <== concat(raised.reversed()), irq <== lines, before <== lines]
    // The lowest pending vector goes first.
    let vector = priority((0..<vectors).map { (msiPending[$0], Signal.constant($0, width: vectorBits)) }, otherwise: .zero(width: vectorBits))
    let address = concat(out("MSI_ADDRESS_HIGH", "ADDRESS"), out("MSI_ADDRESS_LOW", "ADDRESS"), Signal.zero(width: 2))
    let wide = address[32..<64] != 0
    let header = concat(Signal.constant(0b01, width: 2), wide, Signal.constant(0, width: 5), Signal.constant(1, width: 24),  // MWr, Length 1
                        localBus, Signal.zero(width: 16), Signal.constant(0xF, width: 8),  // Requester, tag 0, Last BE 0, First BE 1111b
                        mux(wide, address[32..<64], address[0..<32]), mux(wide, address[0..<32], Signal.zero(width: 32)))
    let data = concat(out("MSI_DATA", "DATA")[vectorBits..<16], vector).zeroExtended(to: 32)
    let unusedData = m.wire("unused_msi_data", width: vectorBits)
    body.append(unusedData <== out("MSI_DATA", "DATA")[0..<vectorBits])
    body += oneBeat(msi, valid: msiPending != 0 && busMaster, header: header, payload: data)
    let cleared = mux(msi.fires, Signal.constant(1, width: vectors) << vector, .zero(width: vectors))
    let rising = mux(out("MSI_CONTROL", "ENABLE"), lines & ~before, .zero(width: vectors))
    body.append(msiPending <== (msiPending & ~cleared) | rising)
    return body
  }

  /// Where a TLP's first beat goes, `decision`: `live` (the translation, the link) until the beat
  /// has been offered and not taken, then what it was when first offered. A beat offered to a
  /// merge must stay offered (its arbiter holds the grant from the first offer), so the link going
  /// down under backpressure must not withdraw it.
  private func offered(_ input: TLPStream, decision: Signal, live: Signal, name: String) -> [Statement] {
    let waiting = m.register("\(name)_offer_waiting")
    let kept = m.register("\(name)_offer_decision")
    return [decision <== mux(waiting, kept, live),
            waiting <== input.valid && input.start && !input.ready,
            kept <== decision]
  }

  /// The crosslink's queues when it has credits: `received` (the receive buffer's output, in
  /// place of `peer_in`), `toPeer` (the egress's input, in place of `peer_out`), the egress's
  /// room per class, the local side's room per class, and `refuse` (the receive buffer's
  /// `out_refused`).
  /// Both queues restart (empty, no credits until the peer's next InitFC) while `phy_up` is low:
  /// what was queued for or from a link that went down is discarded (§2.9.1), and flow control
  /// initialises afresh when it comes up (§2.6.1).
  private func crosslinkQueues(_ credits: NTBCrosslinkCredits, peerIn: TLPStream, peerOut: TLPStream, phyUp: Signal) -> CrosslinkQueues {
    let down = m.wire("crosslink_down")
    let restart = m.wire("crosslink_restart")
    let receiver = m.instance(switchReceiver(dataWidth: dataWidth, depth: credits.receiveDepth, headerCredits: credits.headerCredits,
                                             dataCredits: credits.dataCredits, refusable: true, file: file, line: line),
                              name: "peer_receiver", reset: restart)
    let egress = m.instance(switchEgress(dataWidth: dataWidth, depth: credits.egressDepth, file: file, line: line),
                            name: "peer_egress", reset: restart)
    var statements: [Statement] = [down <== !phyUp, restart <== m.reset || down, connect(peerIn, to: receiver.interface("link", as: TLPStream.self)),
                                   connect(egress.interface("link", as: TLPStream.self), to: peerOut),
                                   egress["fc_initialize"] <== m.input("peer_fc_initialize"),
                                   egress["fc_update"] <== m.input("peer_fc_update")]
    for (t, type) in CreditType.allCases.enumerated() {
      let name = NTBCrosslinkCredits.typeNames[t]
      statements += [m.output("peer_rx_fc_\(name)_advertised", width: type.fieldSize) <== receiver["fc_\(name)_advertised"],
                     m.output("peer_rx_fc_\(name)_allocated", width: type.fieldSize) <== receiver["fc_\(name)_allocated"],
                     egress["fc_\(name)_advertised"] <== m.input("peer_fc_\(name)_advertised", width: type.fieldSize),
                     egress["fc_\(name)_limit"] <== m.input("peer_fc_\(name)_limit", width: type.fieldSize)]
    }
    return CrosslinkQueues(received: receiver.interface("out", as: TLPStream.self), toPeer: egress.interface("fabric", as: TLPStream.self),
                           peerRooms: EgressRoom.classNames.map { egress["room_\($0)"] },
                           localRooms: EgressRoom.classNames.map { m.input("local_room_\($0)", width: EgressRoom.width) },
                           refuse: receiver["out_refused"], down: down, statements: statements)
  }

  /// `source` into `sink` (the crosslink egress) except while the link is `down` and, after it
  /// was, the rest of a TLP it cut short: those beats are taken and lost, so the merge in front
  /// finishes its TLP and the egress, restarted, never sees a TLP without its first beat.
  private func afterCuts(_ source: TLPStream, to sink: TLPStream, down: Signal) -> [Statement] {
    let open = m.register("to_peer_open")  // a TLP is passing: its first beat went in, its end not yet
    let passes = m.wire("to_peer_passes")
    return [passes <== !down && (source.start || open),
            sink.valid <== source.valid && passes, sink.header <== source.header, sink.data <== source.data,
            sink.strobe <== source.strobe, sink.start <== source.start, sink.end <== source.end,
            source.ready <== !passes || sink.ready,
            when(down) { open <== false }.elseWhen(source.valid && passes && sink.ready) { open <== !source.end }]
  }

  /// The inbound path to the local side (`forward`) when the crosslink queues restart at link
  /// down: nothing passes while the link is `down`, and a TLP it cut short on its way to the
  /// local side is closed with a nullifying beat (`end`, no `start`, strobe 0, as a link partner
  /// ends a TLP it abandons), so the merge in front of `local_out` is not left waiting for an end
  /// and what lies behind discards it.
  private func closingAfterCuts(_ input: TLPStream, ready: Signal, to output: TLPStream, when selected: Signal, header: Signal,
                                down: Signal) -> [Statement] {
    let open = m.register("to_local_open")  // a TLP's first beat went to the local side, its end not yet
    let closing = m.register("to_local_closing")
    return [input.ready <== !down && !closing && ready,
            output.valid <== closing || (input.valid && selected && !down), output.header <== header, output.data <== input.data,
            output.strobe <== mux(closing, .zero(width: input.strobe.width), input.strobe),
            output.start <== input.start && !closing, output.end <== input.end || closing,
            when(output.valid && output.ready) { open <== !output.end },
            closing <== mux(closing, !(output.valid && output.ready), down && open)]
  }

  /// `input`'s beats to `output` while `selected`, with `header` in place of its own.
  private func forward(_ input: TLPStream, to output: TLPStream, when selected: Signal, header: Signal) -> [Statement] {
    [output.valid <== input.valid && selected, output.header <== header, output.data <== input.data,
     output.strobe <== input.strobe, output.start <== input.start, output.end <== input.end]
  }

  /// A single-beat TLP offered on `output`: `payload` in lane 0, strobed when the header says it has data.
  private func oneBeat(_ output: TLPStream, valid: Signal, header: Signal, payload: Signal) -> [Statement] {
    let hasData = header[126]
    return [output.valid <== valid, output.header <== header, output.data <== payload.zeroExtended(to: dataWidth),
            output.strobe <== mux(hasData, Signal.constant(1, width: dataWidth / 32), .zero(width: dataWidth / 32)),
            output.start <== true, output.end <== true]
  }

  /// A saturating 16-bit count of `event` on `output`.
  private func count(_ name: String, _ output: Signal, _ event: Signal) -> [Statement] {
    let counter = m.register(name, width: 16)
    return [when(event && counter != 0xFFFF) { counter <== counter + 1 }, output <== counter]
  }
}

/// `NTBFunctionBody.crosslinkQueues`' result.
private struct CrosslinkQueues {
  let received: TLPStream
  let toPeer: TLPStream
  let peerRooms: [Signal]
  let localRooms: [Signal]
  let refuse: Signal
  /// The physical link is down: the queues are restarting.
  let down: Signal
  let statements: [Statement]
}
