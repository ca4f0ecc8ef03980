#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a long operation, for the CLI's progress bar.
public struct FlashProgress: Sendable, Equatable {
  public enum Phase: String, Sendable {
    case reading = "read"
    /// Erasing and programming, in address order (bytes of erase units done).
    case writing = "write"
    case verifying = "verify"
  }
  public var phase: Phase
  public var done: Int
  public var total: Int
}

/// What a write did.
public struct WriteStats: Sendable, Equatable {
  /// Erase units (usually 4 KiB sectors) in the written range.
  public var sectors = 0
  /// Sectors whose content already matched and were not touched.
  public var sectorsUnchanged = 0
  /// Erase operations by size in bytes.
  public var erases: [Int: Int] = [:]
  public var pagesProgrammed = 0
  /// Sectors rewritten after a verify mismatch.
  public var verifyRetries = 0
  public var bytesRead = 0

  public var eraseCount: Int { erases.values.reduce(0, +) }

  mutating func add(_ o: WriteStats) {
    sectors += o.sectors
    sectorsUnchanged += o.sectorsUnchanged
    for (k, v) in o.erases { erases[k, default: 0] += v }
    pagesProgrammed += o.pagesProgrammed
    verifyRetries += o.verifyRetries
    bytesRead += o.bytesRead
  }
}

/// Writes byte ranges: read-compare, least-time erase plan, page programs, read-back verify
/// with one retry per mismatching sector.
public final class FlashProgrammer {
  public let flash: SPINorFlash
  public var progress: ((FlashProgress) -> Void)?
  /// Refuse to write into ranges the block-protect bits cover (cleared by `unprotect()`).
  public var checkProtection = true

  public init(flash: SPINorFlash) {
    self.flash = flash
  }

  var part: FlashPart { flash.requirePart() }

  /// Reads `count` bytes, reporting progress.
  public func read(address: Int, count: Int) throws(FlashError) -> [UInt8] {
    try flash.read(address: address, count: count) { [progress] done in
      progress?(FlashProgress(phase: .reading, done: done, total: count))
    }
  }

  /// Current protection: status register and the range it covers.
  public func protection() throws(FlashError) -> (status: FlashStatus, range: Range<Int>) {
    let s = try flash.readStatus()
    return (s, s.protectedRange(flashSize: part.size, w25q: part.name.hasPrefix("Winbond")))
  }

  /// Clears BP0..BP2/TB/SEC. Returns the status register before and after.
  @discardableResult
  public func unprotect() throws(FlashError) -> (before: UInt8, after: UInt8) {
    let s = try flash.readStatus()
    guard s.raw & FlashStatus.protectionMask != 0 else { return (s.raw, s.raw) }
    try flash.writeStatus(s.raw & ~FlashStatus.protectionMask & ~0x03)
    let after = try flash.readStatus()
    if after.raw & FlashStatus.protectionMask != 0 {
      throw .writeProtected(statusRegister: after.raw, protectedStart: 0, protectedEnd: part.size)
    }
    return (s.raw, after.raw)
  }

  func checkWritable(_ range: Range<Int>) throws(FlashError) {
    guard checkProtection else { return }
    let (s, protected) = try protection()
    if protected.overlaps(range) {
      throw .writeProtected(statusRegister: s.raw, protectedStart: protected.lowerBound, protectedEnd: protected.upperBound)
    }
  }

  /// Makes flash[offset ..< offset + data.count] equal to `data`. Bytes sharing an erase
  /// unit with the range are read first and restored. Only units whose content differs are
  /// touched; units are processed in ascending address order (callers rely on that).
  @discardableResult
  public func write(_ data: [UInt8], at offset: Int) throws(FlashError) -> WriteStats {
    let p = part
    guard offset >= 0, offset + data.count <= p.size else {
      throw .outOfRange(offset: offset, length: data.count, flashSize: p.size)
    }
    var stats = WriteStats()
    guard !data.isEmpty else { return stats }
    try checkWritable(offset..<(offset + data.count))
    let unit = p.smallestErase.size
    let lo = offset / unit * unit
    let hi = (offset + data.count + unit - 1) / unit * unit
    let current = try read(address: lo, count: hi - lo)
    stats.bytesRead += current.count
    var desired = current
    desired.replaceSubrange((offset - lo)..<(offset - lo + data.count), with: data)
    stats.add(try apply(desired: desired, current: current, base: lo))
    return stats
  }

  /// Transforms `current` (the flash content at `base`, unit aligned) into `desired`.
  func apply(desired: [UInt8], current: [UInt8], base: Int) throws(FlashError) -> WriteStats {
    let p = part
    let unit = p.smallestErase.size
    let n = desired.count / unit
    var stats = WriteStats()
    stats.sectors = n
    let pageCost = p.pageProgram.typicalNs + UInt64(p.pageSize + 8) * 8 * 1_000_000_000 / UInt64(flash.channel.clockHz)

    enum Work { case none, programOnly, mustErase }
    var work = [Work](repeating: .none, count: n)
    var units: [ErasePlanner.Unit] = []
    for i in 0..<n {
      let r = (i * unit)..<((i + 1) * unit)
      let (changed, needsErase) = compareUnit(desired, current, r)
      work[i] = needsErase ? .mustErase : (changed ? .programOnly : .none)
      if !changed { stats.sectorsUnchanged += 1 }
      if needsErase {
        units.append(.mustErase)
      } else {
        let pages = nonBlankPages(desired, r, pageSize: p.pageSize).count
        units.append(.mayErase(reprogramNs: UInt64(pages) * pageCost))
      }
    }
    let plan = ErasePlanner(eraseTypes: p.eraseTypes).plan(base: base, units: units).operations
    var erasedBy = [Int?](repeating: nil, count: n)  // index into plan
    for (k, op) in plan.enumerated() {
      let first = (op.address - base) / unit
      for i in first..<(first + op.type.size / unit) { erasedBy[i] = k }
    }

    let totalWork = plan.reduce(0) { $0 + $1.type.size } + work.enumerated().filter { $0.element == .programOnly && erasedBy[$0.offset] == nil }.count * unit
    var doneWork = 0
    var i = 0
    while i < n {
      if let k = erasedBy[i] {
        let op = plan[k]
        progress?(FlashProgress(phase: .writing, done: doneWork, total: totalWork))
        try flash.erase(op.type, at: op.address)
        stats.erases[op.type.size, default: 0] += 1
        let count = op.type.size / unit
        var pages: [PageWrite] = []
        for u in i..<(i + count) {
          for r in nonBlankPages(desired, (u * unit)..<((u + 1) * unit), pageSize: p.pageSize) {
            pages.append(PageWrite(address: base + r.lowerBound, data: Array(desired[r])))
          }
        }
        try flash.program(pages)
        stats.pagesProgrammed += pages.count
        doneWork += op.type.size
        progress?(FlashProgress(phase: .writing, done: doneWork, total: totalWork))
        i += count
      } else {
        if work[i] == .programOnly {
          var pages: [PageWrite] = []
          var a = i * unit
          while a < (i + 1) * unit {
            let r = a..<(a + p.pageSize)
            if !bytesEqual(desired, current, r) { pages.append(PageWrite(address: base + a, data: Array(desired[r]))) }
            a += p.pageSize
          }
          try flash.program(pages)
          stats.pagesProgrammed += pages.count
          doneWork += unit
          progress?(FlashProgress(phase: .writing, done: doneWork, total: totalWork))
        }
        i += 1
      }
    }

    // Read back everything touched; rewrite a mismatching unit once.
    let touched = (0..<n).filter { erasedBy[$0] != nil || work[$0] == .programOnly }
    let mismatches = try verify(units: touched, desired: desired, base: base, unit: unit, stats: &stats)
    for u in mismatches {
      stats.verifyRetries += 1
      let r = (u * unit)..<((u + 1) * unit)
      try flash.erase(p.smallestErase, at: base + r.lowerBound)
      stats.erases[unit, default: 0] += 1
      let pages = nonBlankPages(desired, r, pageSize: p.pageSize).map { PageWrite(address: base + $0.lowerBound, data: Array(desired[$0])) }
      try flash.program(pages)
      stats.pagesProgrammed += pages.count
      progress?(FlashProgress(phase: .verifying, done: totalWork, total: totalWork))
      let again = try flash.read(address: base + r.lowerBound, count: unit)
      stats.bytesRead += unit
      if let j = firstDifference(again, Array(desired[r])) {
        throw .verifyMismatch(address: base + r.lowerBound + j, expected: desired[r.lowerBound + j], actual: again[j])
      }
    }
    progress?(FlashProgress(phase: .verifying, done: totalWork, total: totalWork))
    return stats
  }

  /// Reads back `units` (merged into contiguous runs) and returns those that differ.
  func verify(units: [Int], desired: [UInt8], base: Int, unit: Int, stats: inout WriteStats) throws(FlashError) -> [Int] {
    var bad: [Int] = []
    var k = 0
    let total = units.count * unit
    var done = 0
    while k < units.count {
      var end = k
      while end + 1 < units.count, units[end + 1] == units[end] + 1 { end += 1 }
      let start = units[k] * unit
      let count = (units[end] - units[k] + 1) * unit
      progress?(FlashProgress(phase: .verifying, done: done, total: total))
      let got = try flash.read(address: base + start, count: count)
      stats.bytesRead += count
      for u in units[k]...units[end] {
        let r = (u * unit)..<((u + 1) * unit)
        let same = got.withUnsafeBytes { g in desired.withUnsafeBytes { d in
          memcmp(g.baseAddress! + (r.lowerBound - start), d.baseAddress! + r.lowerBound, r.count) == 0 } }
        if !same { bad.append(u) }
      }
      done += count
      progress?(FlashProgress(phase: .verifying, done: done, total: total))
      k = end + 1
    }
    return bad
  }

  func nonBlankPages(_ bytes: [UInt8], _ range: Range<Int>, pageSize: Int) -> [Range<Int>] {
    stride(from: range.lowerBound, to: range.upperBound, by: pageSize).compactMap { a in
      let r = a..<min(a + pageSize, range.upperBound)
      return isBlank(bytes, r) ? nil : r
    }
  }

  /// Reads back `expected.count` bytes at `address` and reports the first difference.
  public func verify(_ expected: [UInt8], at address: Int) throws(FlashError) {
    let got = try read(address: address, count: expected.count)
    if let j = firstDifference(got, expected) {
      throw .verifyMismatch(address: address + j, expected: expected[j], actual: got[j])
    }
  }
}

func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
  let n = min(a.count, b.count)
  if n > 0, bytesEqual(Array(a[0..<n]), Array(b[0..<n]), 0..<n) { return a.count == b.count ? nil : n }
  for i in 0..<n where a[i] != b[i] { return i }
  return a.count == b.count ? nil : min(a.count, b.count)
}

/// (differs, needs erase) for `r`: erase is needed when some bit must go from 0 to 1.
func compareUnit(_ desired: [UInt8], _ current: [UInt8], _ r: Range<Int>) -> (Bool, Bool) {
  desired.withUnsafeBufferPointer { d in
    current.withUnsafeBufferPointer { c in
      if memcmp(d.baseAddress! + r.lowerBound, c.baseAddress! + r.lowerBound, r.count) == 0 { return (false, false) }
      let dp = UnsafeRawPointer(d.baseAddress! + r.lowerBound)
      let cp = UnsafeRawPointer(c.baseAddress! + r.lowerBound)
      var i = 0
      while i + 8 <= r.count {
        let dw = dp.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let cw = cp.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if dw & ~cw != 0 { return (true, true) }
        i += 8
      }
      while i < r.count {
        if dp.load(fromByteOffset: i, as: UInt8.self) & ~cp.load(fromByteOffset: i, as: UInt8.self) != 0 { return (true, true) }
        i += 1
      }
      return (true, false)
    }
  }
}

func bytesEqual(_ a: [UInt8], _ b: [UInt8], _ r: Range<Int>) -> Bool {
  a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress! + r.lowerBound, y.baseAddress! + r.lowerBound, r.count) == 0 } }
}

func isBlank(_ a: [UInt8], _ r: Range<Int>) -> Bool {
  a.withUnsafeBytes { x in
    let p = x.baseAddress! + r.lowerBound
    var i = 0
    // Word at a time where aligned enough; the tail byte by byte.
    while i + 8 <= r.count {
      if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) != UInt64.max { return false }
      i += 8
    }
    while i < r.count {
      if p.load(fromByteOffset: i, as: UInt8.self) != 0xFF { return false }
      i += 1
    }
    return true
  }
}
