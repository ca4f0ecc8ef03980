import XCTest
@testable import Flash

final class ErasePlannerTests: XCTestCase {
  let types: [EraseType] = [.sector4K(.ms(45, 400)), .block32K(.ms(120, 1600)), .block64K(.ms(150, 2000))]

  /// Exhaustive reference for one 64 KiB block: try every subset of the three block
  /// candidates (two 32 KiB, one 64 KiB), cover what is left with 4 KiB erases.
  func reference(_ units: [ErasePlanner.Unit]) -> UInt64 {
    let blocks: [(Range<Int>, UInt64)] = [(0..<8, 120_000_000), (8..<16, 120_000_000), (0..<16, 150_000_000)]
    var best = UInt64.max
    for mask in 0..<8 {
      var covered = Set<Int>()
      var cost: UInt64 = 0
      var ok = true
      for (k, b) in blocks.enumerated() where mask & (1 << k) != 0 {
        var useful = false
        for i in b.0 {
          if units[i] == .forbidden { ok = false }
          if units[i] == .mustErase { useful = true }
          if !covered.contains(i), case .mayErase(let r) = units[i] { cost += r }
          covered.insert(i)
        }
        if !useful { ok = false }
        cost += b.1
      }
      guard ok else { continue }
      for i in 0..<16 where units[i] == .mustErase && !covered.contains(i) { cost += 45_000_000 }
      best = min(best, cost)
    }
    return best
  }

  func testMatchesExhaustiveSearch() {
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let units: [ErasePlanner.Unit] = (0..<16).map { _ in
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<4: return .mustErase
        case 4..<6: return .forbidden
        case 6..<8: return .mayErase(reprogramNs: 0)
        default: return .mayErase(reprogramNs: UInt64.random(in: 0..<20_000_000, using: &rng))
        }
      }
      let (ops, cost) = ErasePlanner(eraseTypes: types).plan(base: 0x10000, units: units)
      XCTAssertEqual(cost, reference(units), "\(units)")
      // Every must-erase unit is covered, no forbidden unit is.
      for (i, u) in units.enumerated() {
        let a = 0x10000 + i * 4096
        let covered = ops.contains { $0.address <= a && a < $0.address + $0.type.size }
        if u == .mustErase { XCTAssertTrue(covered) }
        if u == .forbidden { XCTAssertFalse(covered) }
      }
    }
  }

  func testTypicalChoices() {
    let p = ErasePlanner(eraseTypes: types)
    // A whole aligned 64 KiB to erase: one block erase.
    XCTAssertEqual(p.plan(base: 0, units: Array(repeating: .mustErase, count: 16)).operations.map(\.type.size), [65536])
    // Two sectors: two 4 KiB erases (90 ms < 120 ms).
    let two: [ErasePlanner.Unit] = [.mustErase, .mustErase] + Array(repeating: .mayErase(reprogramNs: 0), count: 6)
    XCTAssertEqual(p.plan(base: 0, units: two).operations.map(\.type.size), [4096, 4096])
    // Three sectors with blank neighbours: one 32 KiB erase (120 ms < 135 ms).
    let three: [ErasePlanner.Unit] = [.mustErase, .mustErase, .mustErase] + Array(repeating: .mayErase(reprogramNs: 0), count: 5)
    XCTAssertEqual(p.plan(base: 0, units: three).operations.map(\.type.size), [32768])
    // Misaligned range: blocks only where aligned.
    let ops = p.plan(base: 4096, units: Array(repeating: .mustErase, count: 16)).operations
    XCTAssertEqual(ops.map(\.type.size), [4096, 4096, 4096, 4096, 4096, 4096, 4096, 32768, 4096])
  }
}
