import HDL
import PCIe

/// Credit-based flow control on an NTB crosslink (issue #6): what `ntbFunction` advertises to
/// its peer and how deep its queues are on each side of the link.
///
/// With it, the function's `peer_in` enters a per-class receive buffer (`switchReceiver`,
/// refusable) that advertises `headerCredits` and `dataCredits` per class, and `peer_out`
/// leaves through a per-class `switchEgress` that honours the peer's credits and the ordering
/// rules (Table 2-42). The credits travel as sideband wires beside the TLP stream (InitFC and
/// UpdateFC values, not DLLPs): `peer_rx_fc_<type>_advertised`/`_allocated` out, the peer's as
/// `peer_fc_initialize`, `peer_fc_update`, `peer_fc_<type>_advertised`/`_limit` in. The local
/// side reports its room per class (`local_room_posted`, `_non_posted`, `_completion`, as
/// `EgressRoom`), and a peer TLP whose class has no room there is refused, so another class's
/// TLP that the ordering rules let pass goes instead: posted writes cross while the local side
/// withholds non-posted credits.
public struct NTBCrosslinkCredits: Hashable, Sendable {
  /// Header credits advertised per class (1...127).
  public var headerCredits: Int
  /// Data credits (4 DWs each) advertised per class (1...2047).
  public var dataCredits: Int
  /// Beats per class queue of the receive buffer; must hold the advertised credits.
  public var receiveDepth: Int
  /// Beats per class queue of the egress towards the peer.
  public var egressDepth: Int

  public init(headerCredits: Int = 8, dataCredits: Int = 16, receiveDepth: Int = 40, egressDepth: Int = 16) {
    self.headerCredits = headerCredits
    self.dataCredits = dataCredits
    self.receiveDepth = receiveDepth
    self.egressDepth = egressDepth
  }

  /// Credits that keep a crosslink of `linkLatency` cycles each way busy with posted writes (the
  /// bandwidth-delay product), and queues sized from them.
  ///
  /// A TLP's credits come back when its last beat has left the far receive buffer and the raised
  /// CREDITS_ALLOCATED has crossed back: `roundTripCycles(linkLatency:)` after its last beat left
  /// the egress, and a TLP consumes all its credits on its first beat. To start a TLP of S =
  /// `maxPayloadBytes` right after the one before, the credits must cover it, the one just sent,
  /// and every one sent in the round trip before that; so with B = dataWidth / 8 bytes per cycle
  /// and R the round trip:
  /// - data credits (16 bytes each) = S × (1 + ⌈R × B / S⌉) / 16;
  /// - header credits = ⌈(R + w) / w⌉ for w the beats of a 64-byte write (a cache line, the usual
  ///   store through a window), at least 8;
  /// - `receiveDepth` = headers + ⌈4 × data credits / lanes⌉ beats (what `switchReceiver` needs to
  ///   hold its advertisement); `egressDepth` 16 beats.
  /// Measured (`scripts/bench/ntb`, STRATA_BENCH_SWEEP=1; 64-byte writes, 64-bit path, L = 20):
  /// 16, 20, 24, 28 data credits carry 5.09, 6.26, 7.39, 7.67 bytes/cycle (the plain link 7.70),
  /// a loop of 256 B / 5.09 ≈ 50 cycles = 2L + 8 + the write's own 8 beats (+2). 256-byte writes
  /// back to back at line rate (NodePairTests, L = 4: R × B = 128 bytes) need two TLPs' worth, 32.
  public init(linkLatency: Int, dataWidth: Int, maxPayloadBytes: Int = 256) {
    let roundTrip = Self.roundTripCycles(linkLatency: linkLatency)
    let lanes = max(dataWidth / 32, 1), bytesPerCycle = max(dataWidth / 8, 1)
    let tlp = max(maxPayloadBytes, 16)
    let inFlight = (roundTrip * bytesPerCycle + tlp - 1) / tlp
    let data = min(tlp * (1 + inFlight) / 16, CreditType.postedData.maximumOutstanding)
    let writeBeats = max(64 / bytesPerCycle, 1)
    let headers = min(max((roundTrip + 2 * writeBeats - 1) / writeBeats, 8), CreditType.postedHeader.maximumOutstanding)
    self.init(headerCredits: headers, dataCredits: data, receiveDepth: headers + (4 * data + lanes - 1) / lanes, egressDepth: 16)
  }

  /// Cycles from a TLP's last beat leaving one function's egress until its credits are back at
  /// that egress: twice the link latency and `pipelineCycles`.
  public static func roundTripCycles(linkLatency: Int) -> Int { 2 * linkLatency + pipelineCycles }
  /// The credit loop's own cycles besides the link: the egress and receive queues' registered
  /// outputs, the CREDITS_ALLOCATED register and the gate (measured above).
  public static let pipelineCycles = 8

  /// The module-name suffix that keeps functions without credits unchanged.
  var nameSuffix: String { "_xl\(headerCredits)_\(dataCredits)_\(receiveDepth)_\(egressDepth)" }

  /// The flow-control sideband a function with credits takes, after `peer_` (the names of a
  /// switch port's link partner credits after `link<k>_`, `SwitchLinkPorts`).
  public static var sidebandInputs: [(name: String, width: Int)] {
    [("fc_initialize", 1), ("fc_update", 1)] + CreditType.allCases.enumerated().flatMap { t, type in
      [("fc_\(typeNames[t])_advertised", type.fieldSize), ("fc_\(typeNames[t])_limit", type.fieldSize)]
    }
  }
  /// The flow-control sideband a function with credits gives, after `peer_`: its receive buffer's
  /// advertisement and CREDITS_ALLOCATED.
  public static var sidebandOutputs: [(name: String, width: Int)] {
    CreditType.allCases.enumerated().flatMap { t, type in
      [("rx_fc_\(typeNames[t])_advertised", type.fieldSize), ("rx_fc_\(typeNames[t])_allocated", type.fieldSize)]
    }
  }

  /// Credit types in port-name order: ph, pd, nph, npd, cplh, cpld.
  public static let typeNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
}
