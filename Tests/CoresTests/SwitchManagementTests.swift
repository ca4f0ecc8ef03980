import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// The switch's management port as firmware uses it (docs/switch.md, "Management port"): the
/// configuration request registers issue CfgRd/CfgWr into the upstream port's ingress path and
/// capture their completions; each bridge's configuration block and the ingress counters are
/// registers. Expected values come from the bridge identities, the routing rules of §7.3.1
/// (Type 1 to the internal bus answered by the bridge, converted to Type 0 on a port's secondary
/// bus, UR for nobody) and the register layout in docs/switch.md, not from the RTL.
final class SwitchManagementTests: SimulationTestCase {
  // The layout as docs/switch.md states it.
  static let cfgTarget: UInt64 = 0x04, cfgControl: UInt64 = 0x08, cfgWriteData: UInt64 = 0x0C, cfgReadData: UInt64 = 0x10
  static let cfgStatus: UInt64 = 0x14, cfgTimeout: UInt64 = 0x18, go: UInt64 = 1 << 31, write: UInt64 = 1 << 8
  static let managementID = PCIeID(bus: 0, device: 31, function: 7)

  struct Outcome: Equatable {
    var status: UInt64
    var timedOut: Bool
    var data: UInt64
  }

  /// A two-port switch on a Verilator model: link partners that take every beat and advertise
  /// infinite credits, the management port driven by an `MMIOMaster`.
  final class Bench {
    let model: Model
    let mgmt: MMIOMaster
    let outValid, outHeader, outData, outStart: OutputPort
    let inValid, inHeader, inData, inStrobe, inStart, inEnd: InputPort
    let inReady: OutputPort

    init(_ model: Model, random: SimulationRandom) throws {
      self.model = model
      mgmt = try MMIOMaster(model, prefix: "mgmt", random: random)
      outValid = try model.output("link1_out_valid"); outHeader = try model.output("link1_out_header")
      outData = try model.output("link1_out_data"); outStart = try model.output("link1_out_start")
      inValid = try model.input("link1_in_valid"); inHeader = try model.input("link1_in_header"); inData = try model.input("link1_in_data")
      inStrobe = try model.input("link1_in_strobe"); inStart = try model.input("link1_in_start"); inEnd = try model.input("link1_in_end")
      inReady = try model.output("link1_in_ready")
      model.reset()
      for k in 0..<2 {
        try model.set("link\(k)_out_ready", BitVector(true))
        try model.set("link\(k)_fc_initialize", BitVector(true))
        try model.set("link\(k)_active", BitVector(true))
      }
      model.step()
      for k in 0..<2 { try model.set("link\(k)_fc_initialize", BitVector(false)) }
    }

    /// InitFC from link `k`'s partner (one cycle): `credits` per type in `CreditType` order, 0 = infinite.
    func initializeFlowControl(link k: Int, credits: [Int] = Array(repeating: 0, count: 6)) throws {
      for (t, name) in ["ph", "pd", "nph", "npd", "cplh", "cpld"].enumerated() {
        try model.set("link\(k)_fc_\(name)_advertised", BitVector(width: t % 2 == 0 ? 8 : 12, value: credits[t]))
      }
      try model.set("link\(k)_fc_initialize", BitVector(true))
      model.step()
      try model.set("link\(k)_fc_initialize", BitVector(false))
    }

    /// Starts a configuration request through the registers.
    func issue(_ target: PCIeID, offset: Int, write value: UInt32? = nil, byteEnables: UInt64 = 0xF) throws {
      XCTAssertFalse(try mgmt.write(cfgTarget, UInt64(target.rawValue) << 0 | UInt64(offset / 4) << 16).error)
      if let value { try mgmt.write(cfgWriteData, UInt64(value)) }
      try mgmt.write(cfgStatus, 0b10)  // acknowledge the last DONE
      try mgmt.write(cfgControl, go | (value == nil ? 0 : write) | byteEnables)
    }

    /// Polls CFG_STATUS until DONE, then reads the outcome.
    func outcome(pollLimit: Int = 400) throws -> Outcome? {
      for _ in 0..<pollLimit {
        let status = try mgmt.read(cfgStatus).data
        if status & 0b10 != 0 {
          XCTAssertEqual(status & 1, 0, "BUSY is 0 once DONE is set")
          return Outcome(status: status >> 4 & 7, timedOut: status & 0b100 != 0, data: try mgmt.read(cfgReadData).data)
        }
      }
      return nil
    }

    /// Steps until a TLP's first beat leaves on link 1 (the downstream port) and returns it.
    func nextTLPOnDownstreamLink(within cycles: Int = 200) throws -> TLP? {
      for _ in 0..<cycles {
        model.settle()
        if upstreamValid?.bool == true { sawUpstreamTraffic = true }
        if outValid.bool && outStart.bool {
          let h = outHeader.value.words, d = outData.uint64
          let beat = TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
                                            UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
                                   lanes: [UInt32(truncatingIfNeeded: d), UInt32(truncatingIfNeeded: d >> 32)], strobe: 0, start: true, end: true)
          model.step()
          return try TLP(streamBeats: [beat])
        }
        model.step()
      }
      return nil
    }

    /// Whether any beat left on link 0 (towards the root complex) while this bench stepped on its own.
    private(set) var sawUpstreamTraffic = false
    private lazy var upstreamValid = try? model.output("link0_out_valid")

    /// Sends a TLP into link 1 as its link partner would, beat by beat (within the switch's credits).
    func sendOnDownstreamLink(_ tlp: TLP) throws {
      for beat in tlp.streamBeats(lanes: 2) {
        let h = beat.header
        try inHeader.set(BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
        try inData.set(UInt64(beat.lanes[0]) | UInt64(beat.lanes[1]) << 32)
        try inStrobe.set(beat.strobe)
        inStart.set(beat.start); inEnd.set(beat.end); inValid.set(true)
        var taken = false
        for _ in 0..<50 where !taken {
          model.settle()
          if upstreamValid?.bool == true { sawUpstreamTraffic = true }
          taken = inReady.bool
          model.step()
        }
        inValid.set(false)
        guard taken else { XCTFail("link 1 never took a beat of \(tlp.kind)"); return }
      }
    }

    /// The first beat of the next TLP leaving on link `k` within `cycles` (TLPs of one beat: at most two DWs of payload).
    func nextTLP(onLink k: Int, within cycles: Int = 200) throws -> TLP? {
      let valid = try model.output("link\(k)_out_valid"), start = try model.output("link\(k)_out_start")
      for _ in 0..<cycles {
        model.settle()
        if valid.bool && start.bool {
          let h = try model.output("link\(k)_out_header").value.words, d = try model.output("link\(k)_out_data").uint64
          let beat = TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
                                            UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
                                   lanes: [UInt32(truncatingIfNeeded: d), UInt32(truncatingIfNeeded: d >> 32)],
                                   strobe: try model.output("link\(k)_out_strobe").uint64, start: true, end: true)
          model.step()
          return try TLP(streamBeats: [beat])
        }
        model.step()
      }
      return nil
    }

    /// Sends a TLP of one beat into link `k` as its link partner would.
    func send(_ tlp: TLP, onLink k: Int) throws {
      let beats = tlp.streamBeats(lanes: 2)
      XCTAssertEqual(beats.count, 1, "send(_:onLink:) sends TLPs of one beat")
      let beat = beats[0], h = beat.header
      try model.set("link\(k)_in_header", BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
      try model.set("link\(k)_in_data", BitVector(width: 64, unsigned: UInt64(beat.lanes[0]) | UInt64(beat.lanes[1]) << 32))
      try model.set("link\(k)_in_strobe", BitVector(width: 2, unsigned: beat.strobe))
      for (name, value) in [("start", true), ("end", true), ("valid", true)] { try model.set("link\(k)_in_\(name)", BitVector(value)) }
      let ready = try model.output("link\(k)_in_ready")
      var taken = false
      for _ in 0..<50 where !taken {
        model.settle()
        taken = ready.bool
        model.step()
      }
      try model.set("link\(k)_in_valid", BitVector(false))
      XCTAssertTrue(taken, "link \(k) never took \(tlp.kind)")
    }
  }

  static let identities = TwoPortSwitchTests.identities

  func makeBench() throws -> Bench {
    let model = try self.model(try Design(top: try twoPortSwitch(identities: Self.identities, dataWidth: 64, queueDepth: 8)))
    watch("management", "mgmt")
    return try Bench(model, random: random("mgmt"))
  }

  func testConfigurationRequestsReachTheBridgesAndReportUnsupportedRequests() throws {
    let bench = try makeBench()
    let upstream = PCIeID(bus: 0, device: 0, function: 0), downstream = PCIeID(bus: 1, device: 0, function: 0)
    // INFO: two ports, layout version 1.
    XCTAssertEqual(try bench.mgmt.read(0x00).data, 0x0001_0002)
    // CfgRd0 to the upstream bridge (the primary bus is 0 after reset): Device ID : Vendor ID.
    try bench.issue(upstream, offset: 0x00)
    XCTAssertEqual(try bench.outcome(), Outcome(status: 0, timedOut: false, data: 0x5A00_1AB4))
    // Type 0 goes to device 0 only, as from a downstream port (§7.3.1): device 3 on the primary bus is UR.
    // A failed read reads all ones, as a root complex returns it (Linux: PCI_ERROR_RESPONSE).
    try bench.issue(PCIeID(bus: 0, device: 3, function: 0), offset: 0x00)
    XCTAssertEqual(try bench.outcome(), Outcome(status: 1, timedOut: false, data: 0xFFFF_FFFF))
    // CfgWr0: primary 0, secondary 1, subordinate 5; then the downstream bridge answers a CfgRd1 on bus 1.
    try bench.issue(upstream, offset: 0x18, write: 0x0005_0100)
    XCTAssertEqual(try bench.outcome(), Outcome(status: 0, timedOut: false, data: 0))
    try bench.issue(downstream, offset: 0x00)
    XCTAssertEqual(try bench.outcome(), Outcome(status: 0, timedOut: false, data: 0x5A01_1AB4))
    // Device 1 on the internal bus does not exist in a two-port switch: UR (§7.3.1).
    try bench.issue(PCIeID(bus: 1, device: 1, function: 0), offset: 0x00)
    XCTAssertEqual(try bench.outcome(), Outcome(status: 1, timedOut: false, data: 0xFFFF_FFFF))
    // A partial write: only byte 2 (the subordinate bus) changes.
    try bench.issue(upstream, offset: 0x18, write: 0x0009_FFFF, byteEnables: 0b0100)
    XCTAssertEqual(try bench.outcome()?.status, 0)
    try bench.issue(upstream, offset: 0x18)
    XCTAssertEqual(try bench.outcome()?.data, 0x0009_0100)
  }

  func testType1RequestsBelowTheSwitchLeaveAsType0AndTheirCompletionsComeBack() throws {
    let bench = try makeBench()
    let upstream = PCIeID(bus: 0, device: 0, function: 0), downstream = PCIeID(bus: 1, device: 0, function: 0)
    let endpoint = PCIeID(bus: 2, device: 0, function: 0)
    for (target, offset, value) in [(upstream, 0x18, UInt32(0x0005_0100)), (downstream, 0x18, 0x0005_0201)] {
      try bench.issue(target, offset: offset, write: value)
      XCTAssertEqual(try bench.outcome()?.status, 0)
    }
    for (answer, expected) in [(CompletionStatus.successful, Outcome(status: 0, timedOut: false, data: 0xCAFE_F00D)),
                               (.configurationRetry, Outcome(status: 2, timedOut: false, data: 0xFFFF_FFFF))] {
      try bench.issue(endpoint, offset: 0x10)
      let request = try XCTUnwrap(try bench.nextTLPOnDownstreamLink(), "a CfgRd0 leaves the downstream port")
      var expectedRequest = TLP.configRead(target: endpoint, offset: 0x10, requester: Self.managementID)
      expectedRequest.tag = request.tag
      XCTAssertEqual(request, expectedRequest, "Type 1 to the port's secondary bus becomes Type 0 (§7.3.1)")
      let completion = answer == .successful
        ? TLP.completionWithData(answering: request, completer: endpoint, data: [0x0D, 0xF0, 0xFE, 0xCA])
        : TLP.completion(answering: request, completer: endpoint, status: answer)
      try bench.sendOnDownstreamLink(completion)
      XCTAssertEqual(try bench.outcome(), expected)
    }
    // Nobody answers: the request times out after CFG_TIMEOUT cycles.
    try bench.mgmt.write(Self.cfgTimeout, 200)
    try bench.issue(endpoint, offset: 0x00)
    let late = try XCTUnwrap(try bench.nextTLPOnDownstreamLink())
    XCTAssertEqual(try bench.outcome(), Outcome(status: 0, timedOut: true, data: 0xFFFF_FFFF))
    // Its completion arrives late: it is consumed (never sent to the root complex) and not
    // taken for the next request's, whose own completion is.
    try bench.mgmt.write(Self.cfgTimeout, 0x1_0000)
    try bench.issue(endpoint, offset: 0x04)
    let next = try XCTUnwrap(try bench.nextTLPOnDownstreamLink())
    XCTAssertNotEqual(next.tag, late.tag)
    try bench.sendOnDownstreamLink(.completionWithData(answering: late, completer: endpoint, data: [1, 1, 1, 1]))
    try bench.sendOnDownstreamLink(.completionWithData(answering: next, completer: endpoint, data: [2, 2, 2, 2]))
    XCTAssertEqual(try bench.outcome(), Outcome(status: 0, timedOut: false, data: 0x0202_0202))
    XCTAssertFalse(bench.sawUpstreamTraffic, "completions for the management processor never reach the root complex")
  }

  func testBridgeWindowsAndCountersAreRegisters() throws {
    let bench = try makeBench()
    // Bridge k's configuration block at 0x1000 + 0x80 k.
    XCTAssertEqual(try bench.mgmt.read(0x1000).data, 0x5A00_1AB4)
    XCTAssertEqual(try bench.mgmt.read(0x1080).data, 0x5A01_1AB4)
    try bench.mgmt.write(0x1018, 0x0007_0100)
    try bench.issue(PCIeID(bus: 0, device: 0, function: 0), offset: 0x18)
    XCTAssertEqual(try bench.outcome()?.data, 0x0007_0100, "a window write is what a configuration read sees")
    // No third bridge; nothing between the registers and the windows.
    XCTAssertTrue(try bench.mgmt.read(0x1100).error)
    XCTAssertTrue(try bench.mgmt.read(0x0800).error)
    // An unclaimed posted write from below is dropped and counted at port 1 (no window claims 0).
    try bench.sendOnDownstreamLink(.memoryWrite(address: 0x1000, data: [1, 2, 3, 4], requester: PCIeID(bus: 2, device: 0, function: 0)))
    bench.model.step(10)
    XCTAssertEqual(try bench.mgmt.read(0x108).data, 1, "PORT1_ERRORS.DROPPED")
    XCTAssertEqual(try bench.mgmt.read(0x100).data, 0, "PORT0_ERRORS")
  }

  /// §2.2.2: a payload above the receiving port's Max_Payload_Size (128 bytes after reset,
  /// §7.5.3.4) makes the TLP malformed: discarded, counted, Fatal Error Detected in Device Status.
  /// Once the bridge's Device Control says 256 bytes, the same write is forwarded.
  func testAPayloadAboveMaxPayloadSizeIsMalformed() throws {
    let bench = try makeBench()
    let upstream = PCIeID(bus: 0, device: 0, function: 0), downstream = PCIeID(bus: 1, device: 0, function: 0)
    // Buses 0/1/5 and the window 0x8000_0000...0x8FFF_FFFF with Memory Space and Bus Master Enable upstream.
    for (target, offset, value) in [(upstream, 0x18, UInt32(0x0005_0100)), (upstream, 0x20, 0x8FF0_8000), (upstream, 0x04, 0x6),
                                    (upstream, 0x24, 0x0000_FFF0), (downstream, 0x18, 0x0005_0201), (downstream, 0x04, 0x6),
                                    (downstream, 0x20, 0x0000_FFF0), (downstream, 0x24, 0x0000_FFF0)] {
      try bench.issue(target, offset: offset, write: value)
      XCTAssertEqual(try bench.outcome()?.status, 0)
    }
    let write = TLP.memoryWrite(address: 0x4000_0000, data: [UInt8](repeating: 0x5A, count: 132),
                                requester: PCIeID(bus: 2, device: 0, function: 0))
    try bench.sendOnDownstreamLink(write)
    bench.model.step(20)
    XCTAssertFalse(bench.sawUpstreamTraffic, "the oversized write is not forwarded")
    XCTAssertEqual(try bench.mgmt.read(0x10C).data, 1, "PORT1_MALFORMED")
    XCTAssertEqual(try bench.mgmt.read(0x108).data, 0, "not counted as dropped")
    XCTAssertEqual(try bench.mgmt.read(0x1080 + 0x48).data >> 16 & 0b0100, 0b0100, "Device Status: Fatal Error Detected")
    // Max_Payload_Size 001b (256 bytes) in Device Control bits 7:5; byte 0 only, Relaxed Ordering kept.
    try bench.issue(downstream, offset: 0x48, write: 0x30, byteEnables: 0b0001)
    XCTAssertEqual(try bench.outcome()?.status, 0)
    try bench.sendOnDownstreamLink(write)
    bench.model.step(40)
    XCTAssertTrue(bench.sawUpstreamTraffic, "within Max_Payload_Size the write goes up (outside the upstream bridge's window)")
    XCTAssertEqual(try bench.mgmt.read(0x10C).data, 1, "no second malformed TLP")
  }

  /// PCIe Base Specification 6.3 §2.9.1 (Transaction Layer behaviour in DL_Down status) at a
  /// downstream port with nothing attached (`link1_active` 0): a Type 1 configuration read for
  /// its secondary bus and a memory read for its window are completed with Unsupported Request
  /// by the port's bridge (bus 1, device 0), a posted write is discarded and counted, and
  /// nothing leaves on the link; Link Status shows the link inactive (§7.5.3.8 bit 13, with
  /// Data Link Layer Link Active Reporting Capable, §7.5.3.6 bit 20). Enumeration's read of
  /// Vendor ID there ends at once with UR and all ones (Linux pci_bus_generic_read_dev_vendor_id
  /// then sees no device). When the link comes up the same requests go through.
  func testADownstreamPortWhoseLinkIsDownAnswersUnsupportedRequest() throws {
    let bench = try makeBench()
    let upstream = PCIeID(bus: 0, device: 0, function: 0), downstream = PCIeID(bus: 1, device: 0, function: 0)
    let endpoint = PCIeID(bus: 2, device: 0, function: 0), rc = PCIeID(bus: 0, device: 0, function: 0)
    // Buses 0/1/2...5; window 0x8000_0000...0x8FFF_FFFF upstream, 0x8000_0000...0x80FF_FFFF below port 1.
    for (target, offset, value) in [(upstream, 0x18, UInt32(0x0005_0100)), (upstream, 0x20, 0x8FF0_8000), (upstream, 0x04, 0x6),
                                    (upstream, 0x24, 0x0000_FFF0), (downstream, 0x18, 0x0005_0201), (downstream, 0x20, 0x80F0_8000),
                                    (downstream, 0x04, 0x6), (downstream, 0x24, 0x0000_FFF0)] {
      try bench.issue(target, offset: offset, write: value)
      XCTAssertEqual(try bench.outcome()?.status, 0)
    }
    try bench.model.set("link1_active", BitVector(false))
    let linkStatus: UInt64 = 0x1080 + 0x50, linkCapabilities: UInt64 = 0x1080 + 0x4C, deviceStatus: UInt64 = 0x1080 + 0x48
    XCTAssertEqual(try bench.mgmt.read(linkCapabilities).data >> 20 & 1, 1, "Data Link Layer Link Active Reporting Capable")
    XCTAssertEqual(try bench.mgmt.read(linkStatus).data >> 29 & 1, 0, "Link Status: Data Link Layer Link Active is 0")

    // CfgRd1 for Vendor ID on the secondary bus: UR within a few polls, not a timeout.
    try bench.issue(endpoint, offset: 0x00)
    XCTAssertEqual(try bench.outcome(pollLimit: 20), Outcome(status: 1, timedOut: false, data: 0xFFFF_FFFF))
    XCTAssertEqual(try bench.mgmt.read(deviceStatus).data >> 19 & 1, 1, "port 1's bridge records the Unsupported Request")
    XCTAssertEqual(try bench.mgmt.read(0x1000 + 0x48).data >> 19 & 1, 0, "the upstream bridge does not")
    // A memory read from the root complex into port 1's window: a UR completion from port 1's bridge.
    let read = TLP.memoryRead(address: 0x8000_0040, byteCount: 8, requester: rc, tag: 9)
    try bench.send(read, onLink: 0)
    XCTAssertEqual(try bench.nextTLP(onLink: 0), .completion(answering: read, completer: downstream, status: .unsupportedRequest))
    // A posted write there is discarded and counted where it entered.
    try bench.send(.memoryWrite(address: 0x8000_0080, data: [1, 2, 3, 4], requester: rc), onLink: 0)
    XCTAssertNil(try bench.nextTLP(onLink: 1, within: 40), "nothing leaves on a link that is down")
    let errors = try bench.mgmt.read(0x100).data  // PORT0_ERRORS: DROPPED 15:0, UNSUPPORTED 31:16
    XCTAssertEqual(errors & 0xFFFF, 1, "PORT0_ERRORS.DROPPED: the write")
    XCTAssertEqual(errors >> 16, 2, "PORT0_ERRORS.UNSUPPORTED: the configuration read and the memory read")

    // The link comes up: the configuration read leaves as Type 0 and is answered, the write is forwarded.
    try bench.model.set("link1_active", BitVector(true))
    try bench.initializeFlowControl(link: 1)  // flow control starts again with the link (§2.6.1)
    XCTAssertEqual(try bench.mgmt.read(linkStatus).data >> 29 & 1, 1, "Link Status: Data Link Layer Link Active is 1")
    try bench.issue(endpoint, offset: 0x00)
    let request = try XCTUnwrap(try bench.nextTLP(onLink: 1), "a CfgRd0 leaves the downstream port")
    XCTAssertEqual(request.kind, .configRead0)
    try bench.send(.completionWithData(answering: request, completer: endpoint, data: [0x34, 0x12, 0x78, 0x56]), onLink: 1)
    XCTAssertEqual(try bench.outcome(), Outcome(status: 0, timedOut: false, data: 0x5678_1234))
    let write = TLP.memoryWrite(address: 0x8000_0080, data: [1, 2, 3, 4], requester: rc)
    try bench.send(write, onLink: 0)
    XCTAssertEqual(try bench.nextTLP(onLink: 1), write)
  }

  /// A link that goes down and comes up again at downstream port 1, as the specification has the
  /// port follow it:
  /// - §2.6.1, §3.4.2: flow control is initialised on each DL_Up and its state reset at DL_Down.
  ///   Credits stop at link-down (a read waiting for them is discarded with the queue, §2.9.1);
  ///   after link-up nothing leaves until the partner's InitFC — not even a write, for which the
  ///   old partner had advertised infinite credits — and then only within the new advertisement.
  /// - §2.9.1: a TLP the partner had only half sent is not delivered: the receive buffer closes it
  ///   and the ingress counts it malformed, once; the receive buffer's credits all come back, and
  ///   after link-up it advertises its full buffers again and forwards a whole TLP.
  /// - §6.7.3.3, §7.5.3.11: each change of Data Link Layer Link Active sets Slot Status's Data Link
  ///   Layer State Changed and the management LINK_CHANGE.PORT1 (with the `link_change` output),
  ///   both write-1-to-clear; LINK_STATE and Presence Detect State follow the link. Nothing is
  ///   reported for the link being up out of reset.
  func testALinkThatGoesDownAndUpRestartsFlowControlAndReportsBothChanges() throws {
    let bench = try makeBench()
    let upstream = PCIeID(bus: 0, device: 0, function: 0), downstream = PCIeID(bus: 1, device: 0, function: 0)
    let rc = PCIeID(bus: 0, device: 0, function: 0), below = PCIeID(bus: 2, device: 0, function: 0)
    for (target, offset, value) in [(upstream, 0x18, UInt32(0x0005_0100)), (upstream, 0x20, 0x8FF0_8000), (upstream, 0x04, 0x6),
                                    (upstream, 0x24, 0x0000_FFF0), (downstream, 0x18, 0x0005_0201), (downstream, 0x20, 0x80F0_8000),
                                    (downstream, 0x04, 0x6), (downstream, 0x24, 0x0000_FFF0)] {
      try bench.issue(target, offset: offset, write: value)
      XCTAssertEqual(try bench.outcome()?.status, 0)
    }
    let linkState: UInt64 = 0x1C, linkChange: UInt64 = 0x20, slot: UInt64 = 0x1080 + 0x58, malformed: UInt64 = 0x10C
    let interrupt = try bench.model.output("link_change")
    func reported() throws -> (state: UInt64, change: UInt64, slot: UInt64, irq: Bool) {
      let state = try bench.mgmt.read(linkState).data, change = try bench.mgmt.read(linkChange).data, slotBits = try bench.mgmt.read(slot).data
      bench.model.settle()
      return (state, change, slotBits, interrupt.bool)
    }
    XCTAssertEqual(try bench.mgmt.read(0x1080 + 0x40).data >> 24 & 1, 1, "PCI Express Capabilities: Slot Implemented")
    var now = try reported()
    XCTAssertEqual(now.state, 0b10, "LINK_STATE.PORT1: up")
    XCTAssertEqual(now.change, 0, "a link up out of reset is no change")
    XCTAssertEqual(now.slot, 1 << 22, "Slot Status: Presence Detect State, no Data Link Layer State Changed")
    XCTAssertFalse(now.irq)

    // The partner below gives one non-posted header credit, every other type infinite: the first
    // read leaves, the second waits.
    try bench.initializeFlowControl(link: 1, credits: [0, 0, 1, 0, 0, 0])
    let first = TLP.memoryRead(address: 0x8000_0000, byteCount: 4, requester: rc, tag: 1)
    let waiting = TLP.memoryRead(address: 0x8000_0010, byteCount: 4, requester: rc, tag: 2)
    try bench.send(first, onLink: 0)
    XCTAssertEqual(try bench.nextTLP(onLink: 1), first)
    try bench.send(waiting, onLink: 0)
    XCTAssertNil(try bench.nextTLP(onLink: 1, within: 30), "no non-posted header credit left")
    // The partner begins a two-beat write upstream and stops after its first beat.
    let cut = TLP.memoryWrite(address: 0x1_0000, data: Array(repeating: 7, count: 16), requester: below)
    let beats = cut.streamBeats(lanes: 2)
    XCTAssertEqual(beats.count, 2)
    let h = beats[0].header
    try bench.model.set("link1_in_header", BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
    try bench.model.set("link1_in_data", BitVector(width: 64, unsigned: UInt64(beats[0].lanes[0]) | UInt64(beats[0].lanes[1]) << 32))
    try bench.model.set("link1_in_strobe", BitVector(width: 2, unsigned: beats[0].strobe))
    for (name, value) in [("start", true), ("end", false), ("valid", true)] { try bench.model.set("link1_in_\(name)", BitVector(value)) }
    bench.model.settle()
    XCTAssertTrue(bench.inReady.bool, "the receive buffer takes the first beat")
    bench.model.step()
    try bench.model.set("link1_in_valid", BitVector(false))
    bench.model.step(10)
    XCTAssertEqual(try bench.mgmt.read(malformed).data, 0, "the TLP is still open")

    // DL_Down.
    try bench.model.set("link1_active", BitVector(false))
    bench.model.step(40)
    XCTAssertEqual(try bench.mgmt.read(malformed).data, 1, "PORT1_MALFORMED: the TLP cut short by the link, counted once")
    now = try reported()
    XCTAssertEqual(now.state, 0, "LINK_STATE.PORT1: down")
    XCTAssertEqual(now.change, 0b10, "LINK_CHANGE.PORT1")
    XCTAssertEqual(now.slot, 1 << 24, "Slot Status: Data Link Layer State Changed; nothing present")
    XCTAssertTrue(now.irq, "link_change")
    for (name, full) in [("ph", 8), ("pd", 16), ("nph", 8), ("npd", 16), ("cplh", 8), ("cpld", 16)] {
      XCTAssertEqual(try bench.model.output("link1_rx_fc_\(name)_advertised").uint64, UInt64(full), "\(name): the receive buffer is empty again")
      XCTAssertEqual(try bench.model.output("link1_rx_fc_\(name)_allocated").uint64, UInt64(full), "\(name): CREDITS_ALLOCATED restarts from the advertisement")
    }
    try bench.mgmt.write(linkChange, 0b10)
    try bench.mgmt.write(slot, 1 << 24)
    now = try reported()
    XCTAssertEqual(now.change, 0, "LINK_CHANGE is write-1-to-clear")
    XCTAssertEqual(now.slot, 0, "so is Data Link Layer State Changed")
    XCTAssertFalse(now.irq)

    // DL_Up: reported again; the read that waited was discarded with the queue, and a write
    // waits for the partner's InitFC, then goes within its one posted header credit.
    try bench.model.set("link1_active", BitVector(true))
    bench.model.step()
    now = try reported()
    XCTAssertEqual(now.state, 0b10)
    XCTAssertEqual(now.change, 0b10, "LINK_CHANGE.PORT1 on the way up too")
    XCTAssertEqual(now.slot, 1 << 24 | 1 << 22, "Data Link Layer State Changed and Presence Detect State")
    XCTAssertTrue(now.irq)
    let second = TLP.memoryWrite(address: 0x8000_0020, data: [3, 3, 3, 3], requester: rc)
    let third = TLP.memoryWrite(address: 0x8000_0030, data: [4, 4, 4, 4], requester: rc)
    try bench.send(second, onLink: 0)
    XCTAssertNil(try bench.nextTLP(onLink: 1, within: 40), "nothing leaves before the partner's InitFC")
    try bench.initializeFlowControl(link: 1, credits: [1, 0, 0, 0, 0, 0])
    XCTAssertEqual(try bench.nextTLP(onLink: 1), second, "the write, not the read queued before the link went down")
    try bench.send(third, onLink: 0)
    XCTAssertNil(try bench.nextTLP(onLink: 1, within: 30), "the new advertisement's one header credit is spent")
    // The port receives again: a whole write from below goes up.
    let whole = TLP.memoryWrite(address: 0x1_0040, data: [5, 5, 5, 5], requester: below)
    try bench.send(whole, onLink: 1)
    XCTAssertEqual(try bench.nextTLP(onLink: 0), whole)
    XCTAssertEqual(try bench.mgmt.read(malformed).data, 1, "nothing else was malformed")
  }
}
