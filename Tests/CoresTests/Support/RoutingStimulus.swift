import HDL
import PCIe

// Stimulus for the routing cores: bridge configurations as enumeration leaves them and TLP
// headers aimed at their windows and bus ranges (shared by TLPRoutingTests and SwitchIngressTests).

func bridgeInputs(_ bridges: [SwitchRoutingModel.Bridge]) -> [String: BitVector] {
  var row: [String: BitVector] = [:]
  for (k, b) in bridges.enumerated() {
    row["p\(k)_secondary"] = BitVector(width: 8, value: b.secondary)
    row["p\(k)_subordinate"] = BitVector(width: 8, value: b.subordinate)
    row["p\(k)_memory_base"] = BitVector(width: 12, value: b.memoryBase)
    row["p\(k)_memory_limit"] = BitVector(width: 12, value: b.memoryLimit)
    row["p\(k)_prefetchable_base"] = BitVector(width: 44, unsigned: b.prefetchableBase)
    row["p\(k)_prefetchable_limit"] = BitVector(width: 44, unsigned: b.prefetchableLimit)
    row["p\(k)_memory_enable"] = BitVector(b.memorySpaceEnable)
    row["p\(k)_bus_master"] = BitVector(b.busMasterEnable)
    if k > 0 { row["p\(k)_link_up"] = BitVector(b.linkUp) }
  }
  return row
}

/// Bridges as enumeration leaves them: consecutive bus ranges below the internal bus and
/// consecutive windows inside the upstream's; now and then a disabled bridge, an empty or
/// overlapping window.
func randomBridges(ports: Int, _ random: inout SeededRandom) -> [SwitchRoutingModel.Bridge] {
  let internalBus = Int.random(in: 1...8, using: &random)
  var bus = internalBus
  var memory = Int.random(in: 0x100...0x800, using: &random)
  var prefetchable = UInt64.random(in: 0x1000...0x10_0000, using: &random)
  let memoryStart = memory, prefetchableStart = prefetchable
  var downstream: [SwitchRoutingModel.Bridge] = []
  for _ in 1..<ports {
    var b = SwitchRoutingModel.Bridge()
    b.secondary = bus + 1
    bus += Int.random(in: 1...4, using: &random)
    b.subordinate = bus
    let size = Int.random(in: 1...16, using: &random)
    b.memoryBase = memory
    b.memoryLimit = random.chance(0.1) ? memory - 1 : memory + size - 1  // sometimes empty
    memory += size
    let prefetchSize = UInt64.random(in: 1...64, using: &random)
    b.prefetchableBase = prefetchable
    b.prefetchableLimit = prefetchable + prefetchSize - 1
    prefetchable += prefetchSize
    b.memorySpaceEnable = random.chance(0.85)
    b.busMasterEnable = random.chance(0.85)
    b.linkUp = random.chance(0.8)  // an empty slot, a link that went down
    if random.chance(0.1) { b.secondary = max(internalBus + 1, b.secondary - 2) }  // overlapping bus range
    downstream.append(b)
  }
  var up = SwitchRoutingModel.Bridge(secondary: internalBus, subordinate: bus + (random.chance(0.5) ? 2 : 0),
                                     memoryBase: memoryStart, memoryLimit: memory - 1 + Int.random(in: 0...2, using: &random),
                                     prefetchableBase: prefetchableStart, prefetchableLimit: prefetchable + 1,
                                     memorySpaceEnable: random.chance(0.9), busMasterEnable: random.chance(0.9))
  if random.chance(0.1) { up.memoryLimit = up.memoryBase - 1 }
  // Max_Payload_Size 128...4096 bytes, mostly large enough for the random payloads.
  return ([up] + downstream).map { bridge in
    var b = bridge
    b.maxPayloadBytes = 128 << (random.chance(0.3) ? Int.random(in: 0...2, using: &random) : 5)
    return b
  }
}

/// Device Control's Max_Payload_Size field for `bytes` (128 << value, §7.5.3.4).
func maxPayloadSizeField(_ bytes: Int) -> BitVector {
  BitVector(width: 3, value: (0...5).first { 128 << $0 == bytes } ?? 5)
}

/// A header aimed at the configuration: addresses in and around the windows, IDs in and around
/// the bus ranges; 10% raw headers of random Fmt/Type.
func randomHeader(aimedAt bridges: [SwitchRoutingModel.Bridge], _ random: inout SeededRandom) -> (BitVector, TLP?) {
  if random.chance(0.1) {
    let raw = random.bits(width: 128)
    return (raw, parseHeader(raw))
  }
  var tlp = TLP.random(using: &random)
  let b = bridges.randomElement(using: &random)!
  let mib: UInt64 = random.chance(0.5) ? UInt64(Int.random(in: b.memoryBase - 1...b.memoryLimit + 1, using: &random))
    : UInt64.random(in: b.prefetchableBase - 1...b.prefetchableLimit + 1, using: &random)
  let page = UInt64.random(in: 0...0xFF, using: &random) << 12
  let bus = UInt16(clamping: Int.random(in: max(0, b.secondary - 1)...b.subordinate + 1, using: &random))
  let id = PCIeID(rawValue: bus << 8 | UInt16.random(in: 0...0xFF, using: &random) & (random.chance(0.7) ? 0x07 : 0xFF))
  if tlp.kind.isMemoryRequest {
    let offset = tlp.address & 0xFFF
    tlp.address = mib << 20 | page | offset
    tlp.uses64BitAddress = tlp.address > UInt32.max
    if random.chance(0.1) { tlp.length = min(1024, Int((4096 - offset) / 4) + Int.random(in: 1...8, using: &random)) }
  }
  if tlp.kind.isCompletion { tlp.requester = id }
  tlp.target = id
  if case .message(.byAddress) = tlp.kind { tlp.address = mib << 20 | page }
  return (headerBits(tlp), tlp)
}

/// The TLP a raw header would be, or nil when its Fmt/Type is not one Strata implements.
func parseHeader(_ header: BitVector) -> TLP? {
  let dws = [header.words[1] >> 32, header.words[1] & 0xFFFF_FFFF, header.words[0] >> 32, header.words[0] & 0xFFFF_FFFF]
  let bytes = dws.flatMap { dw in (0..<4).map { UInt8(truncatingIfNeeded: dw >> (24 - 8 * UInt64($0))) } }
  let fourDW = bytes[0] & 0x20 != 0, hasData = bytes[0] & 0x40 != 0
  let length = Int(dws[0] & 0x3FF) == 0 ? 1024 : Int(dws[0] & 0x3FF)
  let trailer = [UInt8](repeating: 0, count: (hasData ? length * 4 : 0) + (dws[0] & 1 << 15 != 0 ? 4 : 0))  // payload, digest
  do {
    return try TLP(bytes: Array(bytes.prefix(fourDW ? 16 : 12)) + trailer)
  } catch {
    if error.field == "Fmt" || error.field == "Fmt/Type" { return nil }
    // A supported kind with another problem (a reserved completion status): route by its kind.
    var patched = bytes
    patched[6] &= 0x1F  // completion status 000b
    return try? TLP(bytes: Array(patched.prefix(fourDW ? 16 : 12)) + trailer)
  }
}

func headerBits(_ tlp: TLP) -> BitVector {
  let dws = tlp.headerDWordValues + [0, 0, 0, 0]
  return BitVector(width: 128, words: [UInt64(dws[2]) << 32 | UInt64(dws[3]), UInt64(dws[0]) << 32 | UInt64(dws[1])])
}
