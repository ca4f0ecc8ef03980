import XCTest
import Cores
import HDL
import Toolchain

/// A small seeded generator (SplitMix64, Steele et al., "Fast splittable pseudorandom number
/// generators", OOPSLA 2014), so that a failing random test can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476C_E5B9_1CE7
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The register block of `map` under Icarus, one row of inputs per cycle (port name → value; a
/// missing input is 0 in that cycle, as in `RegisterBlockModel`), returning the outputs of each
/// cycle as integers. Outputs with unknown bits are absent.
func simulateRegisterBlock(_ map: RegisterMap, _ cycles: [[String: UInt64]]) throws -> [[String: UInt64]] {
  let design = try Design(top: registerBlock(map))
  let widths = Dictionary(uniqueKeysWithValues: design.topPorts.map { ($0.name, $0.width) })
  let inputs = design.topPorts.filter { $0.direction == .input && $0.name != "clk" }.map(\.name)
  let rows = cycles.map { row in
    Dictionary(uniqueKeysWithValues: inputs.map { name in (name, BitVector(width: widths[name]!, unsigned: row[name] ?? 0)) })
  }
  return try IcarusSimulation(design).run(rows).map { row in row.mapValues { $0.uint64! } }
}

/// One MMIO access as the inputs of a cycle.
func access(write: Bool, _ address: UInt64, data: UInt32 = 0, strobe: UInt64 = 0xF) -> [String: UInt64] {
  ["mmio_valid": 1, "mmio_write": write ? 1 : 0, "mmio_address": address, "mmio_wdata": UInt64(data), "mmio_strobe": strobe]
}

let idle: [String: UInt64] = ["mmio_valid": 0, "rst": 0]
let resetCycle: [String: UInt64] = ["rst": 1]

/// Random accesses and hardware events, every output compared with the model each cycle.
func checkRegisterBlockAgainstModel(_ map: RegisterMap, seed: UInt64, cycles: Int) throws {
  var rng = SplitMix64(seed: seed)
  let offsets = map.registers.map(\.offset)
  var inputs: [[String: UInt64]] = [resetCycle]
  let hardwareInputs = map.registers.flatMap { r in r.fields.flatMap { f in
    FieldHardware.hooks.filter { f.hardware.contains($0.hook) && $0.isInput }.map { hook in
      (name: r.name.lowercased() + "_" + f.name.lowercased() + "_" + hook.suffix, width: hook.isFieldWide ? f.width : 1)
    }
  } }
  for i in 0..<cycles {
    var row: [String: UInt64] = ["rst": i == cycles / 2 ? 1 : 0]  // one reset in the middle
    row["mmio_valid"] = UInt64.random(in: 0...3, using: &rng) == 0 ? 0 : 1
    row["mmio_write"] = UInt64.random(in: 0...1, using: &rng)
    let roll = Int.random(in: 0..<10, using: &rng)
    row["mmio_address"] = roll < 8 ? offsets.randomElement(using: &rng)!
      : UInt64.random(in: 0..<(1 << UInt64(map.addressWidth)), using: &rng)
    row["mmio_wdata"] = UInt64(UInt32.random(in: .min ... .max, using: &rng))
    row["mmio_strobe"] = UInt64.random(in: 0...15, using: &rng)
    for port in hardwareInputs {
      row[port.name] = port.width == 1 ? (Int.random(in: 0..<6, using: &rng) == 0 ? 1 : 0)
        : UInt64.random(in: 0..<(1 << UInt64(port.width)), using: &rng)
    }
    inputs.append(row)
  }
  let rtl = try simulateRegisterBlock(map, inputs)
  var model = RegisterBlockModel(map)
  var mismatches = 0
  for (i, row) in inputs.enumerated() {
    let expected = model.cycle(row)
    if row["rst"] == 1 { model.reset() }
    guard i > 0 else { continue }  // before the first reset the flip-flops are unknown
    for (port, value) in expected where rtl[i][port] != value {
      mismatches += 1
      if mismatches <= 10 {
        XCTFail("seed 0x\(String(seed, radix: 16)), cycle \(i): \(port) is \(rtl[i][port].map { "0x" + String($0, radix: 16) } ?? "unknown") in the RTL, "
                + "0x\(String(value, radix: 16)) in the model; inputs \(row)")
      }
    }
  }
  XCTAssertEqual(mismatches, 0, "seed 0x\(String(seed, radix: 16))")
}
