import Board
import HDL

/// Everything `pcieSwitch` needs, derived from a board's switch (or given directly): the
/// bridges' identities and the buffer sizes that keep every link at line rate.
///
/// Buffer sizes, in beats of the data path (`dataWidth` bits), for a Max_Payload_Size of M bytes:
/// - receive credits: 8 header and 2·M/16 data credits per class (§2.6.1: a data credit is
///   16 bytes). One TLP's worth is not enough: the next TLP may start only when the previous
///   one's credits are back, a loop of about three cycles, which costs a 64-bit link 3 of
///   every 35 cycles with 256-byte writes. Two TLPs' worth cover the loop.
/// - the receive queues hold what those credits allow (`switchReceiver` checks it);
/// - crossbar queues (one per ingress and output): 8 maximum-size TLPs. A full queue stops
///   its ingress (the receive buffer is in order), so under uniform all-to-all writes the
///   outputs run at about 0.87 of line rate with 2 TLPs per queue, 0.92 with 4 and 0.96 with
///   8 (4 ports, 64-bit, 256-byte writes; `scripts/bench/switch`).
/// - egress queues: 16 beats per class (they cut through; the link partner's credits pace them),
///   and the completion queue at least one maximum-size completion (M·8/`dataWidth` beats), so a
///   completion waiting for the partner's Cpl credits never stops half-way in the merge in front
///   and holds the posted TLPs behind it (Table 2-42 A4).
public struct SwitchParameters: Sendable {
  /// The upstream port's bridge first, then one per downstream port.
  public var identities: [BridgeIdentity]
  public var dataWidth: Int
  public var maxPayloadBytes: Int
  public var queueDepth: Int
  public var completionQueueDepth: Int
  public var crossbarDepth: Int
  public var receiveDepth: Int
  public var headerCredits: Int
  public var dataCredits: Int

  /// PCI-SIG Vendor ID of the virtual bridges and the switch's Device IDs (upstream, downstream).
  public static let vendorID = 0x1AB4
  public static let upstreamDeviceID = 0x5A00
  public static let downstreamDeviceID = 0x5A01

  /// A switch of one upstream and `downstreamPorts` downstream ports with line-rate buffers.
  /// `linkSpeed` is the Link Capabilities encoding (1 = 2.5 GT/s ... 5 = 32 GT/s).
  public init(downstreamPorts: Int, dataWidth: Int, maxPayloadBytes: Int, linkWidth: Int, linkSpeed: Int) {
    identities = [BridgeIdentity(vendorID: Self.vendorID, deviceID: Self.upstreamDeviceID, role: .upstream, portNumber: 0,
                                 maxPayloadBytes: maxPayloadBytes, maxLinkSpeed: linkSpeed, maxLinkWidth: linkWidth)]
      + (0..<max(downstreamPorts, 0)).map {
        BridgeIdentity(vendorID: Self.vendorID, deviceID: Self.downstreamDeviceID, role: .downstream, portNumber: $0 + 1,
                       maxPayloadBytes: maxPayloadBytes, maxLinkSpeed: linkSpeed, maxLinkWidth: linkWidth)
      }
    self.dataWidth = dataWidth
    self.maxPayloadBytes = maxPayloadBytes
    let beatsPerTLP = max(1, maxPayloadBytes * 8 / max(dataWidth, 32))
    queueDepth = 16
    completionQueueDepth = max(queueDepth, maximumCompletionBeats(maxPayloadBytes: maxPayloadBytes, dataWidth: dataWidth))
    headerCredits = 8
    dataCredits = 2 * maxPayloadBytes / 16
    receiveDepth = headerCredits + (4 * dataCredits * 32 + dataWidth - 1) / max(dataWidth, 32)
    crossbarDepth = min(4096, 8 * beatsPerTLP)
  }

  /// The switch of each node of `board`: `switch.downstream_ports` local downstream ports and
  /// then one per NTB port (`NodeCrosslinks.ntbPortsPerNode`), the board's `datapath_bits`,
  /// Max Payload Size, link width and speed.
  public init(board: Board) {
    self.init(downstreamPorts: board.switchConfig.downstreamPorts + NodeCrosslinks.ntbPortsPerNode(board),
              dataWidth: board.datapathBits, maxPayloadBytes: board.switchConfig.maxPayloadBytes,
              linkWidth: board.switchConfig.linkWidth, linkSpeed: Self.linkSpeedEncoding(board))
  }

  /// The Link Capabilities encoding of the board's `switch.link_speed_gts` (1 = 2.5 GT/s ... 5 = 32 GT/s).
  public static func linkSpeedEncoding(_ board: Board) -> Int {
    let speeds: [Double: Int] = [2.5: 1, 5.0: 2, 8.0: 3, 16.0: 4, 32.0: 5]
    return speeds[board.switchConfig.linkSpeedGTs] ?? 1
  }
}

/// The switch these parameters describe (see `pcieSwitch(identities:...)`).
public func pcieSwitch(_ p: SwitchParameters, file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  try pcieSwitch(identities: p.identities, dataWidth: p.dataWidth, queueDepth: p.queueDepth,
                 completionQueueDepth: p.completionQueueDepth, crossbarDepth: p.crossbarDepth,
                 receiveDepth: p.receiveDepth, headerCredits: p.headerCredits, dataCredits: p.dataCredits, file: file, line: line)
}
