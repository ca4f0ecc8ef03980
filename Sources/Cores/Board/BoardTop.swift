import Board
import HDL

/// The top of a board: one `nodeTop` per node (instances `node<i>`, each strapped with its
/// index) and the NTB crosslinks between them.
///
/// Ports, per node `i`: its management port `mgmt<i>`, interrupt line `irq<i>`, cores reset
/// `cores_reset<i>`, its switch's upstream link `host<i>_*` (to the node's root complex),
/// local downstream links `node<i>_pcie<k>_*` for k in 2...`switch.downstream_ports` (the
/// node's `host_*` and `link<k>_*`; port 1 is the node's tier controller) and its tier
/// controller's backing-store ports `node<i>_<tier>_*` (the node's `tier_<tier>_*`,
/// `TierStorePorts`; `node<i>_tier_<tier>_*` would be the names of the instance's own pins). Per crosslink `l` of `ntb.links` (in file order):
/// `crosslink<l>_up`, the cable's physical link state, shared by both ends. Per cable `c` of
/// `ntb.cables`: `cable<c>_in`, `cable<c>_out` (TLP streams to and from the connector, the NTB
/// port's peer side unchanged: the cable's latency is outside the board) and `cable<c>_up`.
///
/// Crosslink `l` = [a, b] joins node a's NTB port (`NodeCrosslinks.port(of:at:in:)`) to node b's
/// through a `tlpDelayLine` of `ntb.link_latency_cycles` each way. A node's NTB ports beyond its
/// own crosslinks stay unlinked: physical link down, nothing arrives, everything sent is taken
/// and lost (the NTB function sends nothing across a link that is down).
public func boardTop(_ board: Board) -> Module {
  Module("board_\(board.name)") { m in
    let nodes = (0..<board.nodeCount).map { m.instance(nodeTop(board: board), name: "node\($0)") }
    let ntbPorts = NodeCrosslinks.ntbPortsPerNode(board)
    for (index, node) in nodes.enumerated() {
      node["node_index"] <== index
      let mgmt = m.port("mgmt\(index)", MMIO(addressWidth: NodeAddressMap.addressWidth).flipped)
      connect(mgmt, to: node.interface("mgmt", as: MMIO.self))
      m.output("irq\(index)") <== node["irq"]
      m.output("cores_reset\(index)") <== node["cores_reset"]
      SwitchLinkPorts.passThrough(m, child: node, inner: "host", outer: "host\(index)", dataWidth: board.datapathBits)
      for k in 1..<board.switchConfig.downstreamPorts {
        SwitchLinkPorts.passThrough(m, child: node, inner: "link\(k + 1)", outer: "node\(index)_pcie\(k + 1)", dataWidth: board.datapathBits)
      }
      for store in TierStorePorts.tiers {
        for name in TierStorePorts.inputs {
          node["tier_\(store)_\(name)"] <== m.input("node\(index)_\(store)_\(name)", width: node["tier_\(store)_\(name)"].width)
        }
        for name in TierStorePorts.outputs {
          m.output("node\(index)_\(store)_\(name)", width: node["tier_\(store)_\(name)"].width) <== node["tier_\(store)_\(name)"]
        }
      }
      for j in NodeCrosslinks.usedPorts(of: index, in: board)..<ntbPorts {
        let unlinked = node.interface("ntb\(j)_peer_in", as: TLPStream.self)
        unlinked.valid <== false
        unlinked.header <== 0
        unlinked.data <== 0
        unlinked.strobe <== 0
        unlinked.start <== false
        unlinked.end <== false
        node["ntb\(j)_peer_out_ready"] <== true
        node["ntb\(j)_phy_up"] <== false
      }
    }
    for (l, link) in board.ntb.links.enumerated() {
      let up = m.input("crosslink\(l)_up")
      let ends = [(link.a, link.b), (link.b, link.a)]
      for (from, to) in ends {
        let fromPort = NodeCrosslinks.port(of: link, at: from, in: board) ?? 0
        let toPort = NodeCrosslinks.port(of: link, at: to, in: board) ?? 0
        let line = m.instance(tlpDelayLine(cycles: board.ntb.linkLatencyCycles, dataWidth: board.datapathBits),
                              name: "crosslink\(l)_\(from)_to_\(to)")
        connect(nodes[from].interface("ntb\(fromPort)_peer_out", as: TLPStream.self), to: line.interface("in", as: TLPStream.self))
        connect(line.interface("out", as: TLPStream.self), to: nodes[to].interface("ntb\(toPort)_peer_in", as: TLPStream.self))
        nodes[from]["ntb\(fromPort)_phy_up"] <== up
      }
    }
    for (c, node) in board.ntb.cables.enumerated() {
      let j = NodeCrosslinks.port(ofCable: c, in: board)
      connect(m.port("cable\(c)_in", TLPStream(dataWidth: board.datapathBits).flipped),
              to: nodes[node].interface("ntb\(j)_peer_in", as: TLPStream.self))
      connect(nodes[node].interface("ntb\(j)_peer_out", as: TLPStream.self),
              to: m.port("cable\(c)_out", TLPStream(dataWidth: board.datapathBits)))
      nodes[node]["ntb\(j)_phy_up"] <== m.input("cable\(c)_up")
    }
  }
}
