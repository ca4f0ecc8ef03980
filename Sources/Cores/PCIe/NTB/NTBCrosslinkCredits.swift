import HDL

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

  /// The module-name suffix that keeps functions without credits unchanged.
  var nameSuffix: String { "_xl\(headerCredits)_\(dataCredits)_\(receiveDepth)_\(egressDepth)" }

  /// Credit types in port-name order: ph, pd, nph, npd, cplh, cpld.
  public static let typeNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
}
