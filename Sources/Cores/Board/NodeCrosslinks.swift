import Board

/// Which NTB port of a node each crosslink of the board uses.
///
/// Every node is the same module, so every node gets as many NTB ports as the node with the
/// most crosslinks (`ntbPortsPerNode`); a node with fewer leaves its last ports unlinked.
/// Node `i`'s crosslinks take its NTB ports in the order of `ntb.links` in the board file.
public enum NodeCrosslinks {
  /// NTB ports of every node: the largest number of crosslinks at any one node.
  public static func ntbPortsPerNode(_ board: Board) -> Int {
    (0..<board.nodeCount).map { links(of: $0, in: board).count }.max() ?? 0
  }

  /// The crosslinks of `node`, in file order: element `j` is the link on its NTB port `j`.
  public static func links(of node: Int, in board: Board) -> [NTBLink] {
    board.ntb.links.filter { $0.touches(node: node) }
  }

  /// The NTB port that `link` uses at `node`, or nil when the link does not touch it.
  public static func port(of link: NTBLink, at node: Int, in board: Board) -> Int? {
    links(of: node, in: board).firstIndex(of: link)
  }

  /// The switch port number of NTB port `j`: after the upstream port and the local downstream ports.
  public static func switchPort(ntbPort j: Int, _ board: Board) -> Int { 1 + board.switchConfig.downstreamPorts + j }
}
