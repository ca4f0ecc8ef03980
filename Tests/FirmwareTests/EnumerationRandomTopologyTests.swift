import Foundation
import XCTest
@testable import Firmware
import PCIModel

/// Random topologies (root ports, switches, PCIe-to-PCI bridges, multi-function endpoints,
/// BARs of every kind and size) enumerated and checked against the Linux rules, with bus
/// numbers from a reference walk of the model: depth first, each bridge in (device, function)
/// order taking the next number, its subordinate the last number taken below it.
/// STRATA_SEED=n replays one topology.
final class EnumerationRandomTopologyTests: XCTestCase {
  func testRandomTopologiesFollowTheLinuxRules() throws {
    let seeds: [UInt64] = ProcessInfo.processInfo.environment["STRATA_SEED"].flatMap { UInt64($0) }.map { [$0] }
      ?? Array(1...150)
    for seed in seeds {
      var random = SplitMix64(seed: seed)
      var names = 0
      let root = ModelBus()
      for device in pick(&random, count: 1 + random.below(4), from: 0..<32) {
        root.attach(device, 0, randomFunction(&random, depth: 0, onRootBus: true, names: &names))
      }
      let model = ConfigurationSpaceModel(root: root)
      let options = EnumerationOptions(memoryAperture: AddressWindow(base: 0x8000_0000, limit: 0xEFFF_FFFF))
      let tree: DeviceTree
      do { tree = try enumerate(model, options: options) } catch {
        XCTFail("seed \(seed): \(error)")
        continue
      }
      assertLinuxRules(tree, model, options: options)
      XCTAssertEqual(busNumbers(model), referenceBusNumbers(root), "seed \(seed)")
    }
  }

  private func referenceBusNumbers(_ root: ModelBus) -> [String: [UInt8]] {
    var out: [String: [UInt8]] = [:]
    var last: UInt8 = 0
    func walk(_ bus: ModelBus, _ number: UInt8) {
      for f in bus.functions where f.isBridge {
        last += 1
        let secondary = last
        walk(f.secondary!, secondary)
        out[f.name] = [number, secondary, last]
      }
    }
    walk(root, 0)
    return out
  }

  private func randomFunction(_ r: inout SplitMix64, depth: Int, onRootBus: Bool, names: inout Int) -> ModelFunction {
    names += 1
    let name = "f\(names)"
    let bridgeChance = depth < 3 ? 2 : 0
    if r.below(5) < bridgeChance {
      let kind: ModelFunction.PortType = onRootBus ? (r.below(4) == 0 ? .pcieToPCIBridge : .rootPort) : .upstreamPort
      let prefetchable: ModelFunction.PrefetchableWindow = [.bits64, .bits64, .bits32, .none][r.below(4)]
      let below = ModelBus()
      // Some bridges have a BAR of their own (a switch port's registers), placed on the primary side.
      let bars: [Int: BAR] = r.below(3) == 0 ? [0: .memory32(size: 16 * KiB << UInt64(r.below(6)))] : [:]
      let f = ModelFunction(name, bridge: kind, to: below, prefetchable: prefetchable, bars: bars, maxPayloadSupported: 128 << r.below(4))
      switch kind {
      case .upstreamPort:
        for d in 0..<UInt8(1 + r.below(4)) {
          names += 1
          let linkBus = ModelBus()
          let down = ModelFunction("f\(names)", bridge: .downstreamPort, to: linkBus, maxPayloadSupported: 128 << r.below(4))
          below.attach(d, 0, down)
          if r.below(4) > 0 { linkBus.attach(0, 0, randomFunction(&r, depth: depth + 1, onRootBus: false, names: &names)) }
        }
      case .pcieToPCIBridge:
        for device in pick(&r, count: 1 + r.below(3), from: 0..<32) {
          below.attach(device, 0, randomEndpoint(&r, names: &names, express: false))
        }
      default:
        below.attach(0, 0, randomFunction(&r, depth: depth + 1, onRootBus: false, names: &names))
      }
      return f
    }
    return randomEndpoint(&r, names: &names, express: true)
  }

  private func randomEndpoint(_ r: inout SplitMix64, names: inout Int, express: Bool) -> ModelFunction {
    var bars: [Int: BAR] = [:]
    var slot = 0
    while slot < 6 {
      switch r.below(6) {
      case 0: bars[slot] = .memory32(size: 16 << UInt64(r.below(19)), prefetchable: r.below(2) == 0); slot += 1
      case 1: bars[slot] = .io(size: 4 << UInt64(r.below(6))); slot += 1
      case 2 where slot < 5: bars[slot] = .memory64(size: 4096 << UInt64(r.below(17)), prefetchable: true); slot += 2
      case 3 where slot < 5: bars[slot] = .memory64(size: 16 << UInt64(r.below(19)), prefetchable: false); slot += 2
      default: slot += 1 + r.below(2)
      }
    }
    names += 1
    return ModelFunction("f\(names)", bars: bars, maxPayloadSupported: express ? 128 << r.below(6) : nil)
  }

  private func pick(_ r: inout SplitMix64, count: Int, from range: Range<UInt8>) -> [UInt8] {
    var chosen: Set<UInt8> = []
    while chosen.count < count { chosen.insert(range.lowerBound + UInt8(r.below(range.count))) }
    return chosen.sorted()
  }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, seedable, good enough for test stimulus.
struct SplitMix64 {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
