/// A board with another number of nodes, for `strata demo --nodes N` and tests of clusters of
/// any size: the same node, switch, tiers and flash, its nodes joined in a ring.
extension Board {
  /// This board with `nodeCount` nodes joined in a ring: node i to node i + 1 and the last to
  /// node 0 (two nodes: one link; one node: none). A board that already has `nodeCount` nodes
  /// is returned unchanged, its own links kept. The derived board is named
  /// `<name>_<N>nodes`, so its generated files never take the place of the board file's own.
  ///
  /// The result goes through the same rules as a board file; `file` names where the request
  /// came from in errors (such as `boards/devkit.yaml (--nodes 9)`).
  public func withRing(ofNodes nodeCount: Int, file: String) throws(BoardError) -> Board {
    guard nodeCount != self.nodeCount else { return self }
    guard (1...8).contains(nodeCount) else {
      throw BoardError(file: file, line: 0, column: 0,
                       message: "nodes: \(nodeCount) is not a number of nodes a board can have; use 1 to 8")
    }
    var derived = self
    derived.name = "\(name)_\(nodeCount)node\(nodeCount == 1 ? "" : "s")"
    derived.nodeCount = nodeCount
    derived.ntb.links = Self.ring(nodeCount)
    let diagnostics = Diagnostics(file: file)
    BoardRules.check(derived, diagnostics: diagnostics)
    if let error = diagnostics.combinedError() { throw error }
    return derived
  }

  /// Links of a ring of `count` nodes, in node order.
  static func ring(_ count: Int) -> [NTBLink] {
    switch count {
    case ...1: return []
    case 2: return [NTBLink(a: 0, b: 1)]
    default: return (0..<count).map { NTBLink(a: $0, b: ($0 + 1) % count) }
    }
  }
}
