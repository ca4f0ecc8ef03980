import XCTest
@testable import Firmware
import PCIModel

/// The rules Linux's enumeration (drivers/pci/probe.c, setup-bus.c) leaves a hierarchy in,
/// checked on the model's registers, not on what the firmware says it did:
/// - no request was ever claimed by two bridges at once (bus ranges never overlapped);
/// - the tree lists exactly the functions reachable through the programmed bridges, depth first;
/// - every bridge's subordinate is the highest bus below it, and secondary buses are unique;
/// - every memory BAR is aligned to its size, memory decode is on, and a memory request at
///   its first and last byte reaches that BAR and nothing else (so it lies inside every
///   window above it and overlaps nothing); no BAR was sized with decode on;
/// - every open bridge window is 1 MiB aligned, lies inside the parent's window of its kind
///   (or the aperture) and holds at least one BAR (empty windows are closed, base > limit);
/// - the tree's BAR addresses and payload sizes are what the registers hold.
func assertLinuxRules(_ tree: DeviceTree, _ model: ConfigurationSpaceModel, options: EnumerationOptions,
                      file: StaticString = #filePath, line: UInt = #line) {
  XCTAssertEqual(model.conflicts, [], "requests two bridges claimed at once (overlapping bus ranges)", file: file, line: line)
  let reachable = model.reachable()
  XCTAssertEqual(tree.functions.map(\.bdf), reachable.map(\.bdf), "functions found", file: file, line: line)

  var secondaries = Set<UInt8>()
  for (bdf, f, _) in reachable where f.isBridge {
    let b = f.busNumbers
    XCTAssertTrue(secondaries.insert(b.secondary).inserted, "secondary bus \(b.secondary) given twice", file: file, line: line)
    XCTAssertEqual(b.primary, bdf.bus, "\(f.name) primary bus", file: file, line: line)
    // Buses below: those of the functions below and the secondary buses of bridges below
    // (an empty link still has its bus).
    let functionsBelow = reachable.filter { isBelow($0.function, f, reachable) }
    let buses = functionsBelow.map(\.bdf.bus) + functionsBelow.filter(\.function.isBridge).map(\.function.busNumbers.secondary)
    XCTAssertEqual(b.subordinate, buses.max() ?? b.secondary, "\(f.name) subordinate bus", file: file, line: line)
  }

  var ranges: [(String, AddressWindow)] = []
  for (bdf, f, _) in reachable {
    XCTAssertEqual(f.sizingWithDecodeOn, [], "\(f.name) BARs sized with decode on", file: file, line: line)
    guard let found = tree.function(at: bdf) else { continue }
    for slot in f.barSlots {
      let r = f.barRange(slot)!
      let name = "\(f.name) BAR\(slot)"
      ranges.append((name, r))
      XCTAssertEqual(r.base % r.size, 0, "\(name) at \(hex(r.base)) not aligned to its size \(hex(r.size))", file: file, line: line)
      XCTAssertTrue(f.memoryDecodeOn, "\(f.name) memory decode", file: file, line: line)
      for address in [r.base, r.limit] {
        let who = model.claimants(of: address).map { "\($0.0.name) BAR\($0.slot)" }
        XCTAssertEqual(who, [name], "a memory request at \(hex(address))", file: file, line: line)
      }
      XCTAssertEqual(found.bars.first { $0.index == slot }?.address, r.base, "\(name) in the tree", file: file, line: line)
    }
    if let m = found.maxPayload {
      XCTAssertEqual(m, f.maxPayload, "\(f.name) Max_Payload_Size in the tree vs Device Control", file: file, line: line)
    }
  }
  for i in ranges.indices {
    for j in ranges.indices where j > i && ranges[i].1.overlaps(ranges[j].1) {
      XCTFail("\(ranges[i].0) overlaps \(ranges[j].0)", file: file, line: line)
    }
  }

  for (_, f, parent) in reachable where f.isBridge {
    for prefetchable in [false, true] {
      guard let w = prefetchable ? f.prefetchableWindow : f.memoryWindow else { continue }
      let kind = prefetchable ? "prefetchable window" : "memory window"
      XCTAssertEqual(w.base % (1 << 20), 0, "\(f.name) \(kind) base", file: file, line: line)
      XCTAssertEqual((w.limit + 1) % (1 << 20), 0, "\(f.name) \(kind) limit", file: file, line: line)
      let outer = parent.map { prefetchable ? $0.prefetchableWindow : $0.memoryWindow }
        ?? (prefetchable ? options.prefetchableAperture : options.memoryAperture)
      XCTAssertTrue(outer.map { $0.contains(w) } == true, "\(f.name) \(kind) \(hex(w.base))-\(hex(w.limit)) outside its parent's", file: file, line: line)
      let inside = reachable.filter { isBelow($0.function, f, reachable) }.flatMap { g in
        g.function.barSlots.map { g.function.barRange($0)! }
      }.filter { w.contains($0) }
      XCTAssertFalse(inside.isEmpty, "\(f.name) \(kind) is open but holds no BAR (an empty window must be closed)", file: file, line: line)
    }
  }
}

private func isBelow(_ f: ModelFunction, _ bridge: ModelFunction,
                     _ all: [(bdf: BDF, function: ModelFunction, parent: ModelFunction?)]) -> Bool {
  var p = all.first { $0.function === f }?.parent
  while let q = p {
    if q === bridge { return true }
    p = all.first { $0.function === q }?.parent
  }
  return false
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

/// Bus numbers of each bridge in the model, by name: (primary, secondary, subordinate).
func busNumbers(_ model: ConfigurationSpaceModel) -> [String: [UInt8]] {
  var out: [String: [UInt8]] = [:]
  for (_, f, _) in model.reachable() where f.isBridge {
    let b = f.busNumbers
    out[f.name] = [b.primary, b.secondary, b.subordinate]
  }
  return out
}
