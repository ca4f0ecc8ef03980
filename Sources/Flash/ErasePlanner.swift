/// Chooses erase operations (4 KiB sectors, 32 KiB and 64 KiB blocks, whatever the part
/// offers) that cover every unit needing erase with the least total time.
///
/// Units are the part's smallest erase size. A larger block may be used only where every
/// unit it covers is known (its content was read and will be restored); erasing a unit that
/// did not need it costs the time to program its non-blank pages again.
public struct ErasePlanner: Sendable {
  public enum Unit: Sendable, Equatable {
    /// Must be erased (a bit has to go from 0 to 1).
    case mustErase
    /// Need not be erased; erasing it anyway costs `reprogramNs` to restore its content.
    case mayErase(reprogramNs: UInt64)
    /// Content not known (outside the range being written): never erased.
    case forbidden
  }

  public struct Operation: Sendable, Equatable {
    public var address: Int
    public var type: EraseType
  }

  public let eraseTypes: [EraseType]

  public init(eraseTypes: [EraseType]) {
    self.eraseTypes = eraseTypes.sorted { $0.size < $1.size }
  }

  /// `units[i]` describes the unit at `base + i * unitSize` (base aligned to the unit size).
  /// Returns operations in ascending address order and their total typical time.
  public func plan(base: Int, units: [Unit]) -> (operations: [Operation], typicalNs: UInt64) {
    let unit = eraseTypes[0].size
    precondition(base % unit == 0)
    let n = units.count
    var best = [UInt64](repeating: .max, count: n + 1)
    var choice = [(from: Int, type: EraseType?)](repeating: (0, nil), count: n + 1)
    best[0] = 0
    for i in 0..<n where best[i] != .max {
      // Leave unit i alone (only if it does not need erasing).
      if units[i] != .mustErase, best[i] < best[i + 1] {
        best[i + 1] = best[i]
        choice[i + 1] = (i, nil)
      }
      for type in eraseTypes {
        let k = type.size / unit
        guard (base + i * unit) % type.size == 0, i + k <= n else { continue }
        var cost = best[i] + type.time.typicalNs
        var needed = false
        var allowed = true
        for u in units[i..<(i + k)] {
          switch u {
          case .mustErase: needed = true
          case .mayErase(let r): cost += r
          case .forbidden: allowed = false
          }
        }
        guard allowed, needed, cost < best[i + k] else { continue }
        best[i + k] = cost
        choice[i + k] = (i, type)
      }
    }
    var ops: [Operation] = []
    var j = n
    while j > 0 {
      let c = choice[j]
      if let t = c.type { ops.append(Operation(address: base + c.from * unit, type: t)) }
      j = c.from
    }
    return (ops.reversed(), best[n])
  }
}
