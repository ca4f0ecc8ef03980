import Board
import HDL

/// The top of a board: one `nodeTop` per node (instances `node<i>`, each strapped with its
/// index), each with its own management port `mgmt<i>`, interrupt line `irq<i>`, cores
/// reset `cores_reset<i>` and its switch's links `node<i>_pcie<k>_*` (the node's `link<k>_*`). It grows as the NTB
/// crosslinks between nodes and the tier controller are added.
public func boardTop(_ board: Board) -> Module {
  Module("board_\(board.name)") { m in
    for index in 0..<board.nodeCount {
      let node = m.instance(nodeTop(board: board), name: "node\(index)")
      node["node_index"] <== index
      let mgmt = m.port("mgmt\(index)", MMIO(addressWidth: NodeAddressMap.addressWidth).flipped)
      connect(mgmt, to: node.interface("mgmt", as: MMIO.self))
      m.output("irq\(index)") <== node["irq"]
      m.output("cores_reset\(index)") <== node["cores_reset"]
      for k in 0...board.switchConfig.downstreamPorts {
        SwitchLinkPorts.passThrough(m, child: node, inner: "link\(k)", outer: "node\(index)_pcie\(k)", dataWidth: board.datapathBits)
      }
    }
  }
}
