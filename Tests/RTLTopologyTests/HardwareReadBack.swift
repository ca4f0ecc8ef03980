import Firmware
import XCTest

/// A function's registers as the hardware holds them after enumeration, read back through
/// configuration reads (PCI Local Bus 3.0 §6.1-6.2.5, PCI-to-PCI Bridge 1.2 §3.2, PCIe Base 4.0
/// §7.5.3), not taken from what the firmware says it wrote.
struct ReadBack {
  var bdf: BDF
  var memoryEnabled: Bool
  /// Assigned BAR ranges by slot (the lower slot of a 64-bit BAR), with the prefetchable bit.
  var bars: [(slot: Int, range: AddressWindow, prefetchable: Bool)]
  var busNumbers: (primary: UInt8, secondary: UInt8, subordinate: UInt8)?
  var memoryWindow: AddressWindow?
  var prefetchableWindow: AddressWindow?
  /// Max_Payload_Size from Device Control, in bytes.
  var maxPayload: Int?

  init(_ f: PCIFunction, access: any ConfigurationAccess) {
    func read(_ offset: UInt16) -> UInt32 { access.read32(f.bdf, offset: offset).value }
    bdf = f.bdf
    memoryEnabled = read(0x04) & 0b10 != 0
    bars = []
    for bar in f.bars where bar.kind != .io {
      let low = read(0x10 + UInt16(4 * bar.index))
      let high = bar.kind == .memory64 ? UInt64(read(0x14 + UInt16(4 * bar.index))) : 0
      let base = high << 32 | UInt64(low & ~0xF)
      bars.append((bar.index, AddressWindow(base: base, limit: base + bar.size - 1), low & 0b1000 != 0))
    }
    if f.isBridge {
      let buses = read(0x18)
      busNumbers = (UInt8(truncatingIfNeeded: buses), UInt8(truncatingIfNeeded: buses >> 8), UInt8(truncatingIfNeeded: buses >> 16))
      let memory = read(0x20)
      memoryWindow = Self.window(base: UInt64(memory & 0xFFF0) << 16, limit: UInt64(memory >> 20) << 20 | 0xF_FFFF)
      let prefetchable = read(0x24)
      let upperBase = UInt64(read(0x28)), upperLimit = UInt64(read(0x2C))
      prefetchableWindow = Self.window(base: upperBase << 32 | UInt64(prefetchable & 0xFFF0) << 16,
                                       limit: upperLimit << 32 | UInt64(prefetchable >> 20) << 20 | 0xF_FFFF)
    }
    // The PCI Express Capability (ID 10h) in the capability list; Device Control at +8.
    var pointer = UInt16(read(0x34) & 0xFC)
    while pointer >= 0x40 {
      let header = read(pointer)
      if header & 0xFF == 0x10 {
        maxPayload = 128 << Int((read(pointer + 8) >> 5) & 0x7)
        break
      }
      pointer = UInt16((header >> 8) & 0xFC)
    }
  }

  /// nil when closed (base above limit).
  private static func window(base: UInt64, limit: UInt64) -> AddressWindow? {
    base <= limit ? AddressWindow(base: base, limit: limit) : nil
  }
}

/// The rules Linux's enumeration (drivers/pci/probe.c pci_scan_bridge_extend; setup-bus.c
/// pbus_size_mem, pci_setup_bridge_mmio; pci.c pcie_bus_configure_settings) leaves a hierarchy
/// in, checked on the registers read back from the RTL:
/// - each bridge's bus numbers are `expectedBuses` (depth-first numbering worked out by hand
///   in the test), and its subordinate is the highest bus below it;
/// - every BAR is aligned to its size, inside a window of every bridge above it (the
///   prefetchable one for prefetchable BARs when that bridge has one open), and overlaps no
///   other BAR; memory decode is on where there are BARs;
/// - every open window is 1 MiB aligned, inside its parent's window of the same kind (or the
///   aperture) and holds a BAR; a window with no BAR below is closed (base > limit);
/// - Max_Payload_Size of each endpoint is the smallest Max_Payload_Size Supported on its path,
///   capped by the root (pcie_bus_perf); no function's exceeds what it supports.
func assertLinuxRules(_ tree: DeviceTree, readBack: [BDF: ReadBack], options: EnumerationOptions,
                      expectedBuses: [String: [UInt8]], file: StaticString = #filePath, line: UInt = #line) {
  func name(_ bdf: BDF) -> String { "\(bdf.bus):\(String(bdf.device, radix: 16)).\(bdf.function)" }
  func ancestors(_ index: Int) -> [Int] {
    var out: [Int] = []
    var p = tree.functions[index].parent
    while let q = p { out.append(q); p = tree.functions[q].parent }
    return out
  }
  func below(_ bridge: Int) -> [Int] { tree.functions.indices.filter { ancestors($0).contains(bridge) } }

  var buses: [String: [UInt8]] = [:]
  for (i, f) in tree.functions.enumerated() where f.isBridge {
    guard let b = readBack[f.bdf]?.busNumbers else { continue }
    buses[name(f.bdf)] = [b.primary, b.secondary, b.subordinate]
    let highest = below(i).map { j in tree.functions[j].bridge.map { _ in readBack[tree.functions[j].bdf]!.busNumbers!.secondary } ?? tree.functions[j].bdf.bus }.max()
    XCTAssertEqual(b.subordinate, max(highest ?? b.secondary, b.secondary), "\(name(f.bdf)) subordinate: the highest bus below", file: file, line: line)
  }
  XCTAssertEqual(buses, expectedBuses, "bus numbers (primary, secondary, subordinate) by bridge", file: file, line: line)

  var all: [(String, AddressWindow)] = []
  for (i, f) in tree.functions.enumerated() {
    let r = readBack[f.bdf]!
    if !r.bars.isEmpty { XCTAssertTrue(r.memoryEnabled, "\(name(f.bdf)) memory decode", file: file, line: line) }
    for bar in r.bars {
      let label = "\(name(f.bdf)) BAR\(bar.slot) \(hex(bar.range.base))"
      all.append((label, bar.range))
      XCTAssertEqual(bar.range.base % bar.range.size, 0, "\(label) aligned to its size \(hex(bar.range.size))", file: file, line: line)
      for a in ancestors(i) {
        let above = readBack[tree.functions[a].bdf]!
        let windows = [above.memoryWindow, above.prefetchableWindow].compactMap { $0 }
        XCTAssertTrue(windows.contains { $0.contains(bar.range) }, "\(label) inside a window of \(name(tree.functions[a].bdf))",
                      file: file, line: line)
        if bar.prefetchable, let p = above.prefetchableWindow {
          XCTAssertTrue(p.contains(bar.range), "\(label) prefetchable, in \(name(tree.functions[a].bdf))'s prefetchable window", file: file, line: line)
        }
      }
      if ancestors(i).isEmpty {
        let apertures = [options.memoryAperture, options.prefetchableAperture].compactMap { $0 }
        XCTAssertTrue(apertures.contains { $0.contains(bar.range) }, "\(label) inside an aperture", file: file, line: line)
      }
    }
  }
  for i in all.indices {
    for j in all.indices where j > i && all[i].1.overlaps(all[j].1) {
      XCTFail("\(all[i].0) overlaps \(all[j].0)", file: file, line: line)
    }
  }

  for (i, f) in tree.functions.enumerated() where f.isBridge {
    let r = readBack[f.bdf]!
    let parent = f.parent.map { readBack[tree.functions[$0].bdf]! }
    let barsBelow = below(i).flatMap { readBack[tree.functions[$0].bdf]!.bars }
    for prefetchable in [false, true] {
      let kind = prefetchable ? "prefetchable window" : "memory window"
      let holds = barsBelow.filter { prefetchable ? $0.prefetchable : !$0.prefetchable }
      guard let w = prefetchable ? r.prefetchableWindow : r.memoryWindow else {
        XCTAssertTrue(holds.isEmpty, "\(name(f.bdf)) \(kind) closed with \(holds.count) BARs below", file: file, line: line)
        continue
      }
      XCTAssertEqual(w.base % (1 << 20), 0, "\(name(f.bdf)) \(kind) base", file: file, line: line)
      XCTAssertEqual((w.limit + 1) % (1 << 20), 0, "\(name(f.bdf)) \(kind) limit", file: file, line: line)
      let outer = parent.map { prefetchable ? $0.prefetchableWindow : $0.memoryWindow }
        ?? (prefetchable ? options.prefetchableAperture : options.memoryAperture)
      XCTAssertTrue(outer.map { $0.contains(w) } == true, "\(name(f.bdf)) \(kind) \(hex(w.base))-\(hex(w.limit)) inside its parent's",
                    file: file, line: line)
      XCTAssertTrue(barsBelow.contains { w.contains($0.range) }, "\(name(f.bdf)) \(kind) is open and holds no BAR", file: file, line: line)
    }
  }

  for (i, f) in tree.functions.enumerated() {
    guard let mps = readBack[f.bdf]!.maxPayload, let supported = f.maxPayloadSupported else { continue }
    XCTAssertLessThanOrEqual(mps, supported, "\(name(f.bdf)) Max_Payload_Size within its support", file: file, line: line)
    XCTAssertEqual(f.maxPayload, mps, "\(name(f.bdf)) Max_Payload_Size in the tree and in Device Control", file: file, line: line)
    if !f.isBridge {
      let path = ancestors(i).compactMap { tree.functions[$0].maxPayloadSupported } + [supported, options.rootMaxPayload]
      XCTAssertEqual(mps, path.min(), "\(name(f.bdf)) Max_Payload_Size: the smallest on its path", file: file, line: line)
    }
  }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
