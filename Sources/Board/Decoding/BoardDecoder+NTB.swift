extension BoardDecoder {
  static func ntb(_ value: YAMLValue) -> NTBConfig? {
    guard let fields = value.fields(BoardSchema.ntb) else { return nil }
    let links = fields["links"].flatMap(Self.links)
    let memoryWindows = fields["memory_windows"]?.integer(in: 1...16)
    let windowSize = fields["window_size"]?.size(minimum: 4096, powerOfTwo: true)
    let lutEntries = fields["lut_entries"].flatMap(Self.lutEntries)
    let scratchpads = fields["scratchpads"]?.integer(in: 16...64)
    let doorbells = fields["doorbells"]?.integer(in: 1...64)
    let linkLatency = fields["link_latency_cycles"]?.integer(in: 1...65535)
    let cables: [Int]? = if let value = fields["cables"] { Self.cables(value) } else { [] }
    guard let links, let memoryWindows, let windowSize, let lutEntries, let scratchpads, let doorbells,
      let linkLatency, let cables
    else { return nil }
    return NTBConfig(
      links: links, memoryWindows: memoryWindows, windowSize: windowSize, lutEntries: lutEntries,
      scratchpads: scratchpads, doorbells: doorbells, linkLatencyCycles: linkLatency, cables: cables)
  }

  /// 0 turns the lookup-table window off; otherwise at least the 32 entries NTB drivers assume.
  static func lutEntries(_ value: YAMLValue) -> Int? {
    guard let entries = value.integer() else { return nil }
    guard entries == 0 || (32...1024).contains(entries) else {
      return value.outOfRange(expected: "0 (no lookup-table window) or an integer from 32 to 1024")
    }
    return entries
  }

  /// Each cable is the index of the node whose NTB port it leaves the board from. Whether the
  /// node exists is a board rule (it needs `nodes`). Absent or null: no cables.
  static func cables(_ value: YAMLValue) -> [Int]? {
    guard let items = value.list() else { return nil }
    let nodes = items.map { $0.integer(in: 0...Int(Int32.max)) }
    return nodes.allSatisfy { $0 != nil } ? nodes.compactMap { $0 } : nil
  }

  /// Each link is a pair of node indices, `[0, 1]`. Whether the nodes exist, and whether
  /// a link repeats another, are board rules (they need `nodes`).
  static func links(_ value: YAMLValue) -> [NTBLink]? {
    guard let items = value.list() else { return nil }
    let links = items.map { item -> NTBLink? in
      guard let ends = item.list() else { return nil }
      guard ends.count == 2 else {
        return item.mismatch(expected: "a pair of node indices such as [0, 1]")
      }
      let a = ends[0].integer(in: 0...Int(Int32.max))
      let b = ends[1].integer(in: 0...Int(Int32.max))
      guard let a, let b else { return nil }
      return NTBLink(a: a, b: b)
    }
    return links.allSatisfy { $0 != nil } ? links.compactMap { $0 } : nil
  }
}
