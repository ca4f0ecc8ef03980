import PCIe

/// What must leave each egress port of a switch, and in which orders it may (PCIe Base
/// Specification 6.3, §2.4.1 Table 2-42): TLPs on one path (an ingress port to an egress port,
/// or the completions the switch itself sends out of one port) keep their order within a
/// flow-control class, and an NP or Cpl TLP never passes a posted TLP that entered the switch
/// before it on the same path. Posted TLPs may pass NP and Cpl TLPs, and paths interleave freely.
final class SwitchScoreboard {
  private struct Expected {
    let tlp: TLP
    let sequence: Int
  }

  /// queues[egress][path][class]: the TLPs still to leave, oldest first.
  private var queues: [[[[Expected]]]]
  private var sequence = 0
  private(set) var matched = 0

  init(ports: Int, paths: Int) {
    queues = Array(repeating: Array(repeating: Array(repeating: [], count: 3), count: paths), count: ports)
  }

  func expect(_ tlp: TLP, at egress: Int, path: Int) {
    queues[egress][path][Self.classIndex(tlp)].append(Expected(tlp: tlp, sequence: sequence))
    sequence += 1
  }

  var outstanding: Int { queues.joined().joined().map(\.count).reduce(0, +) }

  /// Takes back the newest expectation of `tlp` at `egress` on `path` (a TLP that will not
  /// leave whole after all); false when there is none.
  @discardableResult
  func withdraw(_ tlp: TLP, at egress: Int, path: Int) -> Bool {
    let c = Self.classIndex(tlp)
    guard let i = queues[egress][path][c].lastIndex(where: { $0.tlp == tlp }) else { return false }
    queues[egress][path][c].remove(at: i)
    return true
  }

  /// TLPs still to leave `egress`.
  func outstanding(at egress: Int) -> Int { queues[egress].joined().map(\.count).reduce(0, +) }

  /// The oldest TLP still to leave `egress`, for failure messages.
  func oldest(at egress: Int) -> TLP? { queues[egress].joined().joined().min { $0.sequence < $1.sequence }?.tlp }

  /// Takes `tlp`, seen leaving `egress`: nil when it is the oldest expected TLP of its class on
  /// some path and passes no older posted TLP there, otherwise what is wrong.
  func observe(_ tlp: TLP, at egress: Int, cycle: Int) -> String? {
    let c = Self.classIndex(tlp)
    for path in queues[egress].indices {
      guard let head = queues[egress][path][c].first, head.tlp == tlp else { continue }
      if c != 0, let posted = queues[egress][path][0].first, posted.sequence < head.sequence {
        return "cycle \(cycle), egress \(egress): \(tlp.kind) passed an older posted \(posted.tlp.brief) on path \(path) (Table 2-42 B2a/C2a/D2a)"
      }
      queues[egress][path][c].removeFirst()
      matched += 1
      return nil
    }
    let heads = queues[egress].enumerated().compactMap { path, classes in
      classes[c].first.map { "path \(path): \($0.tlp.brief)" }
    }
    return "cycle \(cycle), egress \(egress): \(tlp.brief) was not expected next; the oldest of its class on each path: \(heads)"
  }

  private static func classIndex(_ tlp: TLP) -> Int {
    switch tlp.kind.flowControlClass {
    case .posted: return 0
    case .nonPosted: return 1
    case .completion: return 2
    }
  }
}

extension TLP {
  /// The fields that route and identify a TLP, for failure messages.
  var brief: String {
    var parts = ["\(kind)", "requester \(requester)", "tag \(tag)"]
    if kind.isMemoryRequest || kind == .message(.byAddress) || kind == .messageWithData(.byAddress) {
      parts.append("address 0x" + String(address, radix: 16))
    }
    if kind.isCompletion { parts += ["completer \(completer)", "status \(status)"] }
    if kind.isMessage { parts.append("target \(target)") }
    if kind.hasData { parts.append("\(length) DW") }
    return parts.joined(separator: ", ")
  }
}
