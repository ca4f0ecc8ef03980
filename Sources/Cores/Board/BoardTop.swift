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
/// port's peer side unchanged: the cable's latency is outside the board), `cable<c>_up`, and the
/// cable's credit sideband under a switch port's names: `cable<c>_fc_initialize`,
/// `cable<c>_fc_update`, `cable<c>_fc_<type>_advertised`/`_limit` in (the far end's InitFC and
/// UpdateFC), `cable<c>_rx_fc_<type>_advertised`/`_allocated` out (this end's receive buffer).
///
/// Every crosslink and cable has credit-based flow control (`crosslinkCredits(_:)`). Crosslink
/// `l` = [a, b] joins node a's NTB port (`NodeCrosslinks.port(of:at:in:)`) to node b's through an
/// `ntbCrosslink` of `ntb.link_latency_cycles` each way, TLPs and credits alike. A node's NTB
/// ports beyond its own crosslinks stay unlinked: physical link down, nothing arrives, no credits,
/// everything sent is taken and lost (the NTB function sends nothing across a link that is down).
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
        for port in NTBCrosslinkCredits.sidebandInputs { node["ntb\(j)_peer_\(port.name)"] <== Signal.zero(width: port.width) }
      }
    }
    for (l, link) in board.ntb.links.enumerated() {
      let up = m.input("crosslink\(l)_up")
      let line = m.instance(ntbCrosslink(latency: board.ntb.linkLatencyCycles, dataWidth: board.datapathBits), name: "crosslink\(l)_line")
      line["up"] <== up
      for (node, end) in [(link.a, "a"), (link.b, "b")] {
        let j = NodeCrosslinks.port(of: link, at: node, in: board) ?? 0
        connect(nodes[node].interface("ntb\(j)_peer_out", as: TLPStream.self), to: line.interface("\(end)_out", as: TLPStream.self))
        connect(line.interface("\(end)_in", as: TLPStream.self), to: nodes[node].interface("ntb\(j)_peer_in", as: TLPStream.self))
        nodes[node]["ntb\(j)_phy_up"] <== up
        for port in NTBCrosslinkCredits.sidebandInputs { nodes[node]["ntb\(j)_peer_\(port.name)"] <== line["\(end)_\(port.name)"] }
        for port in NTBCrosslinkCredits.sidebandOutputs { line["\(end)_\(port.name)"] <== nodes[node]["ntb\(j)_peer_\(port.name)"] }
      }
    }
    for (c, node) in board.ntb.cables.enumerated() {
      let j = NodeCrosslinks.port(ofCable: c, in: board)
      connect(m.port("cable\(c)_in", TLPStream(dataWidth: board.datapathBits).flipped),
              to: nodes[node].interface("ntb\(j)_peer_in", as: TLPStream.self))
      connect(nodes[node].interface("ntb\(j)_peer_out", as: TLPStream.self),
              to: m.port("cable\(c)_out", TLPStream(dataWidth: board.datapathBits)))
      nodes[node]["ntb\(j)_phy_up"] <== m.input("cable\(c)_up")
      for port in NTBCrosslinkCredits.sidebandInputs { nodes[node]["ntb\(j)_peer_\(port.name)"] <== m.input("cable\(c)_\(port.name)", width: port.width) }
      for port in NTBCrosslinkCredits.sidebandOutputs { m.output("cable\(c)_\(port.name)", width: port.width) <== nodes[node]["ntb\(j)_peer_\(port.name)"] }
    }
  }
}
