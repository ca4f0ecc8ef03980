/// Crosslinks join two different existing nodes, each pair once, and together connect
/// every node to every other.
enum NTBTopologyRules {
  static func check(_ links: [NTBLink], nodeCount: Int, diagnostics: Diagnostics) {
    var firstIndexOfPair: [NTBLink: Int] = [:]
    var linksAreSound = true
    for (index, link) in links.enumerated() {
      let path = "ntb.links[\(index)]"
      for (end, node) in [link.a, link.b].enumerated() where node >= nodeCount {
        linksAreSound = false
        diagnostics.report(
          "\(path): node \(node) does not exist; \(existingNodes(nodeCount)) (see 'nodes')",
          atPath: "\(path)[\(end)]")
      }
      if link.a == link.b {
        linksAreSound = false
        diagnostics.report(
          "\(path): links node \(link.a) to itself; a crosslink joins two different nodes", atPath: path)
        continue
      }
      let pair = NTBLink(a: min(link.a, link.b), b: max(link.a, link.b))
      if let first = firstIndexOfPair[pair] {
        linksAreSound = false
        let firstLink = links[first]
        diagnostics.report(
          "\(path): [\(link.a), \(link.b)] repeats the link [\(firstLink.a), \(firstLink.b)] at line \(diagnostics.location(of: "ntb.links[\(first)]").line); each pair of nodes is linked at most once",
          atPath: path)
      } else {
        firstIndexOfPair[pair] = index
      }
    }
    // Reachability only means something once every link is itself sound.
    guard linksAreSound, nodeCount > 1 else { return }
    let unreachable = nodesUnreachableFromNodeZero(links, nodeCount: nodeCount)
    guard !unreachable.isEmpty else { return }
    let names = YAMLValue.list(unreachable.map(String.init))
    diagnostics.report(
      "ntb.links: node\(unreachable.count == 1 ? "" : "s") \(names) cannot be reached from node 0; add crosslinks so that every node has a path to every other",
      atKeyOf: "ntb.links")
  }

  /// A cable leaves the board from an existing node's NTB port.
  static func check(cables: [Int], nodeCount: Int, diagnostics: Diagnostics) {
    for (index, node) in cables.enumerated() where node >= nodeCount {
      diagnostics.report(
        "ntb.cables[\(index)]: node \(node) does not exist; \(existingNodes(nodeCount)) (see 'nodes'); a cable names the node whose NTB port goes to the board's connector",
        atPath: "ntb.cables[\(index)]")
    }
  }

  static func existingNodes(_ nodeCount: Int) -> String {
    nodeCount == 1 ? "this board has only node 0" : "this board has \(nodeCount) nodes, numbered 0 to \(nodeCount - 1)"
  }

  static func nodesUnreachableFromNodeZero(_ links: [NTBLink], nodeCount: Int) -> [Int] {
    var reached: Set<Int> = [0]
    var frontier = [0]
    while let node = frontier.popLast() {
      for link in links {
        if let peer = link.peer(of: node), reached.insert(peer).inserted {
          frontier.append(peer)
        }
      }
    }
    return (0..<nodeCount).filter { !reached.contains($0) }
  }
}
