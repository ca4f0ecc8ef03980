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
