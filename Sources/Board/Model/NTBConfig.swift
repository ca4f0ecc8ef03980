/// A crosslink between the non-transparent bridges of two nodes. Links are undirected:
/// `NTBLink(a: 0, b: 1)` and `NTBLink(a: 1, b: 0)` are the same cable.
public struct NTBLink: Equatable, Hashable, Sendable {
  public var a: Int
  public var b: Int

  public init(a: Int, b: Int) {
    self.a = a
    self.b = b
  }

  /// Whether `node` is one of the two ends.
  public func touches(node: Int) -> Bool { a == node || b == node }

  /// The end that is not `node`, or nil when the link does not touch `node`.
  public func peer(of node: Int) -> Int? {
    if a == node { return b }
    if b == node { return a }
    return nil
  }
}

/// The non-transparent bridges that join the nodes into a cluster.
public struct NTBConfig: Equatable, Sendable {
  /// Crosslinks in file order; the board's validation guarantees ends name existing
  /// nodes, no link joins a node to itself and no pair of nodes is linked twice.
  public var links: [NTBLink]
  /// Memory windows per NTB port, 1...16.
  public var memoryWindows: Int
  /// Bytes per memory window, a power of two, at least 4 KiB.
  public var windowSize: Int
  /// Lookup-table entries per NTB port: 0 (no LUT window) or 32...1024.
  public var lutEntries: Int
  /// Scratchpad registers per NTB port, 16...64.
  public var scratchpads: Int
  /// Doorbell bits per NTB port, 1...64.
  public var doorbells: Int
  /// Switch clock cycles a TLP spends crossing the link, 1...65535.
  public var linkLatencyCycles: Int
  /// NTB cables that leave the board, in file order: element `c` is the node whose NTB port
  /// goes to the board's connector `c` (`cable<c>_*` on the board top). The board's validation
  /// guarantees each names an existing node.
  public var cables: [Int]

  public init(
    links: [NTBLink], memoryWindows: Int, windowSize: Int, lutEntries: Int,
    scratchpads: Int, doorbells: Int, linkLatencyCycles: Int, cables: [Int] = []
  ) {
    self.links = links
    self.memoryWindows = memoryWindows
    self.windowSize = windowSize
    self.lutEntries = lutEntries
    self.scratchpads = scratchpads
    self.doorbells = doorbells
    self.linkLatencyCycles = linkLatencyCycles
    self.cables = cables
  }

  /// The links that end at `node`, in file order: one NTB port of that node each.
  public func ntbPorts(ofNode node: Int) -> [NTBLink] {
    links.filter { $0.touches(node: node) }
  }

  /// The cables (indices into `cables`) that leave the board from `node`, in file order.
  public func cables(ofNode node: Int) -> [Int] {
    cables.indices.filter { cables[$0] == node }
  }
}
