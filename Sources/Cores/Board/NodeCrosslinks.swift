import Board

/// Which NTB port of a node each crosslink and each cable of the board uses.
///
/// Every node is the same module, so every node gets as many NTB ports as the node with the
/// most crosslinks and cables together (`ntbPortsPerNode`); a node with fewer leaves its last
/// ports unlinked. Node `i`'s crosslinks take its first NTB ports in the order of `ntb.links` in
/// the board file, its cables (`ntb.cables`) the ports after them in their file order.
public enum NodeCrosslinks {
  /// NTB ports of every node: the largest number of crosslinks and cables at any one node.
  public static func ntbPortsPerNode(_ board: Board) -> Int {
    (0..<board.nodeCount).map { usedPorts(of: $0, in: board) }.max() ?? 0
  }

  /// NTB ports `node` connects: its crosslinks, then its cables.
  public static func usedPorts(of node: Int, in board: Board) -> Int {
    links(of: node, in: board).count + board.ntb.cables(ofNode: node).count
  }

  /// The NTB port of its node that cable `c` (an index into `ntb.cables`) leaves the board from.
  public static func port(ofCable c: Int, in board: Board) -> Int {
    let node = board.ntb.cables[c]
    return links(of: node, in: board).count + board.ntb.cables(ofNode: node).firstIndex(of: c)!
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
