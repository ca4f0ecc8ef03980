/// Memory resource assignment (Linux drivers/pci/setup-bus.c, pbus_size_mem and
/// __pci_bus_assign_resources), computed whole before anything is written.
///
/// Bottom-up, each bridge's window must hold the BARs of the functions on its secondary bus
/// and the windows of the bridges there; items are laid out largest alignment first, each
/// aligned to its own alignment (a BAR's is its size), and the window is rounded up to 1 MiB
/// and aligned to the largest alignment inside it. Top-down, the root's items are placed in
/// the aperture and each window's items from its base.
///
/// Which space a BAR uses: a 64-bit prefetchable BAR goes to the prefetchable window when the
/// prefetchable aperture exists and every bridge above has a 64-bit prefetchable window;
/// every other memory BAR goes to the (32-bit) non-prefetchable memory window.
struct ResourcePlan {
  typealias Space = EnumerationError.AddressSpace

  /// Assigned base per function and BAR (parallel to `PCIFunction.bars`).
  private(set) var barAddresses: [[UInt64?]]
  /// Assigned windows per bridge function: memory, prefetchable.
  private(set) var memoryWindows: [AddressWindow?]
  private(set) var prefetchableWindows: [AddressWindow?]

  private struct Item {
    var function: Int
    /// Index in the function's `bars`, or nil for the bridge's window of the space.
    var bar: Int?
    var size: UInt64
    var alignment: UInt64
  }

  private struct Requirement {
    var items: [Item] = []
    var size: UInt64 = 0
    var alignment: UInt64 = 1
  }

  init(tree: DeviceTree, options: EnumerationOptions) throws(EnumerationError) {
    let functions = tree.functions
    barAddresses = functions.map { f in f.bars.map { _ in nil } }
    memoryWindows = Array(repeating: nil, count: functions.count)
    prefetchableWindows = Array(repeating: nil, count: functions.count)

    // Whether each function's 64-bit prefetchable BARs can use prefetchable windows.
    var prefetchableReach = [Bool](repeating: false, count: functions.count)
    for (i, f) in functions.enumerated() {
      if let p = f.parent {
        prefetchableReach[i] = prefetchableReach[p] && functions[p].bridge?.hasPrefetchable64 == true
      } else {
        prefetchableReach[i] = options.prefetchableAperture != nil
      }
    }

    for space in [Space.memory, Space.prefetchableMemory] {
      // Bridges come before everything below them in discovery order, so walking backwards
      // sizes every window before the window that contains it.
      var windows = [Requirement](repeating: Requirement(), count: functions.count)
      var root = Requirement()
      for i in functions.indices.reversed() {
        if functions[i].isBridge {
          // Everything below this bridge has a higher index, so its items are complete.
          try Self.layOut(&windows[i], granule: bridgeWindowGranule, space: space)
        }
        var items: [Item] = []
        for (b, bar) in functions[i].bars.enumerated() where bar.kind != .io {
          let prefetch = bar.kind == .memory64 && bar.isPrefetchable && prefetchableReach[i]
          if (space == .prefetchableMemory) == prefetch {
            items.append(Item(function: i, bar: b, size: bar.size, alignment: bar.size))
          }
        }
        if functions[i].isBridge && windows[i].size > 0 {
          items.append(Item(function: i, bar: nil, size: windows[i].size, alignment: windows[i].alignment))
        }
        if let p = functions[i].parent {
          windows[p].items.insert(contentsOf: items, at: 0)
        } else {
          root.items.insert(contentsOf: items, at: 0)
        }
      }
      try Self.layOut(&root, granule: 1, space: space)
      guard !root.items.isEmpty else { continue }
      let aperture = space == .memory ? options.memoryAperture : options.prefetchableAperture!
      let base = alignUp(aperture.base, root.alignment)
      guard let base, base <= aperture.limit, aperture.limit - base >= root.size - 1 else {
        throw .addressSpaceExhausted(space: space, needed: root.size, available: aperture.size)
      }
      place(root, at: base, windows: windows, space: space)
    }
  }

  /// Orders the items (largest alignment first, discovery order among equals) and computes
  /// the size and alignment of the window that holds them.
  private static func layOut(_ r: inout Requirement, granule: UInt64, space: Space) throws(EnumerationError) {
    r.items = stableSortedByAlignment(r.items)
    var offset: UInt64 = 0
    var alignment = r.items.isEmpty ? 1 : granule
    for item in r.items {
      guard let start = alignUp(offset, item.alignment) else {
        throw .addressSpaceExhausted(space: space, needed: UInt64.max, available: 0)
      }
      let (end, overflow) = start.addingReportingOverflow(item.size)
      if overflow { throw .addressSpaceExhausted(space: space, needed: UInt64.max, available: 0) }
      offset = end
      alignment = max(alignment, item.alignment)
    }
    guard let size = alignUp(offset, granule) else {
      throw .addressSpaceExhausted(space: space, needed: UInt64.max, available: 0)
    }
    r.size = size
    r.alignment = alignment
  }

  private static func stableSortedByAlignment(_ items: [Item]) -> [Item] {
    var indexed = Array(items.enumerated())
    indexed.sort { a, b in
      a.element.alignment != b.element.alignment ? a.element.alignment > b.element.alignment : a.offset < b.offset
    }
    return indexed.map { $0.element }
  }

  private mutating func place(_ r: Requirement, at base: UInt64, windows: [Requirement], space: Space) {
    var cursor = base
    for item in r.items {
      let address = alignUp(cursor, item.alignment)!
      if let bar = item.bar {
        barAddresses[item.function][bar] = address
      } else {
        let window = AddressWindow(base: address, limit: address + item.size - 1)
        if space == .memory { memoryWindows[item.function] = window } else { prefetchableWindows[item.function] = window }
        place(windows[item.function], at: address, windows: windows, space: space)
      }
      cursor = address + item.size
    }
  }

  /// Writes the plan: BARs, bridge windows (empty ones closed with base above limit), and
  /// the command registers (memory decode where something was assigned; bus mastering on
  /// bridges so traffic from below is forwarded).
  func program<Access: ConfigurationAccess>(into tree: inout DeviceTree, access: Access, options: EnumerationOptions)
    throws(EnumerationError)
  {
    let io = ConfigurationIO(access: access, options: options)
    for i in tree.functions.indices {
      let bdf = tree.functions[i].bdf
      var decodes = false
      for b in tree.functions[i].bars.indices {
        guard let address = barAddresses[i][b] else { continue }
        let offset = ConfigurationRegister.firstBAR + UInt16(4 * tree.functions[i].bars[b].index)
        try io.write(bdf, offset, UInt32(truncatingIfNeeded: address))
        if tree.functions[i].bars[b].kind == .memory64 {
          try io.write(bdf, offset + 4, UInt32(truncatingIfNeeded: address >> 32))
        }
        tree.functions[i].bars[b].address = address
        decodes = true
      }
      var enable = decodes ? CommandBit.memorySpace : 0
      if tree.functions[i].isBridge {
        try writeWindows(bdf, memory: memoryWindows[i], prefetchable: prefetchableWindows[i], io: io)
        tree.functions[i].bridge?.memoryWindow = memoryWindows[i]
        tree.functions[i].bridge?.prefetchableWindow = prefetchableWindows[i]
        enable = CommandBit.memorySpace | CommandBit.busMaster
      }
      if enable != 0 {
        let command = try io.read(bdf, ConfigurationRegister.commandAndStatus) & 0xFFFF
        try io.write(bdf, ConfigurationRegister.commandAndStatus, command | enable, byteEnables: 0b0011)
      }
    }
  }

  private func writeWindows<Access: ConfigurationAccess>(
    _ bdf: BDF, memory: AddressWindow?, prefetchable: AddressWindow?, io: ConfigurationIO<Access>
  ) throws(EnumerationError) {
    // Base and limit registers hold address bits 31:20 in their bits 15:4.
    func field(_ address: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: address >> 16) & 0xFFF0 }
    let closed: UInt32 = 0x0000_FFF0
    let m = memory.map { field($0.base) | field($0.limit) << 16 } ?? closed
    try io.write(bdf, ConfigurationRegister.memoryBaseLimit, m)
    if let p = prefetchable {
      try io.write(bdf, ConfigurationRegister.prefetchableBaseUpper, UInt32(truncatingIfNeeded: p.base >> 32))
      try io.write(bdf, ConfigurationRegister.prefetchableLimitUpper, UInt32(truncatingIfNeeded: p.limit >> 32))
      try io.write(bdf, ConfigurationRegister.prefetchableBaseLimit, field(p.base) | field(p.limit) << 16)
    } else {
      try io.write(bdf, ConfigurationRegister.prefetchableBaseLimit, closed)
      try io.write(bdf, ConfigurationRegister.prefetchableBaseUpper, 0xFFFF_FFFF)
      try io.write(bdf, ConfigurationRegister.prefetchableLimitUpper, 0)
    }
    // I/O is never assigned: the I/O window is closed too (base 0xF000 above limit 0x0FFF).
    try io.write(bdf, ConfigurationRegister.ioBaseLimitAndSecondaryStatus, 0x00F0, byteEnables: 0b0011)
    try io.write(bdf, ConfigurationRegister.ioBaseLimitUpper, 0x0000_FFFF)
  }
}

/// `value` rounded up to a multiple of `alignment` (a power of two), nil on overflow.
func alignUp(_ value: UInt64, _ alignment: UInt64) -> UInt64? {
  let (sum, overflow) = value.addingReportingOverflow(alignment - 1)
  return overflow ? nil : sum & ~(alignment - 1)
}
