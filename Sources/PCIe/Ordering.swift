/// Whether a later TLP may overtake an earlier one on its way through a port (PCIe Base
/// Specification 6.3, §2.4.1, Table 2-42 "Ordering Rules Summary").
public enum PassingRule: Hashable, Sendable {
  /// "Yes": the later TLP must be able to pass, or the fabric can deadlock.
  case mustBeAbleToPass
  /// "Y/N": passing is allowed, not required.
  case mayPass
  /// "No": passing would break the producer/consumer model.
  case mustNotPass
}

extension TLP {
  /// The rule for `self`, issued after `earlier` in the same direction (Table 2-42 with entries
  /// A2b, B2b, C2b and D2b for Relaxed Ordering and ID-Based Ordering; PASIDs are not modelled).
  /// TLPs of different traffic classes are unordered.
  ///
  /// A switch cannot tell I/O and configuration write completions from others (footnote 46),
  /// so D2b's first clause is not applied: a completion without RO or IDO never passes a posted request.
  public func passingRule(over earlier: TLP) -> PassingRule {
    guard trafficClass == earlier.trafficClass else { return .mayPass }
    let relaxed = attributes.contains(.relaxedOrdering)
    let idBased = attributes.contains(.idBasedOrdering)
    switch (kind.flowControlClass, earlier.kind.flowControlClass) {
    case (.posted, .posted):  // A2
      return relaxed || idBased && requester != earlier.requester ? .mayPass : .mustNotPass
    case (.posted, .nonPosted):  // A3, A4
      return .mustBeAbleToPass
    case (.posted, .completion):  // A5a (A5b concerns PCI-X bridges only)
      return .mayPass
    case (.nonPosted, .posted):  // B2, C2: RO lets only an NPR with data pass
      let withData = kind.hasData
      return (withData && relaxed) || idBased && requester != earlier.requester ? .mayPass : .mustNotPass
    case (.nonPosted, _):  // B3-B5, C3-C5
      return .mayPass
    case (.completion, .posted):  // D2
      return relaxed || idBased && completer != earlier.requester ? .mayPass : .mustNotPass
    case (.completion, .nonPosted):  // D3, D4
      return .mustBeAbleToPass
    case (.completion, .completion):  // D5: one transaction's completions stay in order
      return requester == earlier.requester && tag == earlier.tag ? .mustNotPass : .mayPass
    }
  }
}
