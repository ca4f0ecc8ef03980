/// SPI NOR opcodes used by the driver (common to the W25Q, MX25L, N25Q/MT25Q, IS25LP and
/// S25FL families).
public enum SPINorOpcode {
  public static let writeEnable: UInt8 = 0x06
  public static let writeDisable: UInt8 = 0x04
  public static let readStatus1: UInt8 = 0x05
  public static let writeStatus1: UInt8 = 0x01
  public static let readJEDECID: UInt8 = 0x9F
  public static let readSFDP: UInt8 = 0x5A
  public static let fastRead: UInt8 = 0x0B
  public static let pageProgram: UInt8 = 0x02
  public static let enter4ByteMode: UInt8 = 0xB7
  public static let exit4ByteMode: UInt8 = 0xE9
}

/// Status register 1 bits (W25Q layout; BP0..BP2 and TB as on W25Q/IS25LP/S25FL-K).
public struct FlashStatus: Sendable, Equatable {
  public var raw: UInt8
  public init(_ raw: UInt8) { self.raw = raw }
  public var busy: Bool { raw & 0x01 != 0 }
  public var writeEnabled: Bool { raw & 0x02 != 0 }
  /// BP0..BP2.
  public var blockProtect: UInt8 { (raw >> 2) & 0x7 }
  /// Bit 5: TB on Winbond/ISSI/Spansion-K, BP3 on Macronix.
  public var topBottom: Bool { raw & 0x20 != 0 }
  /// Protection bits present (bits 2..5: BP0..BP2 and TB/BP3).
  public var anyProtection: Bool { raw & Self.protectionMask != 0 }
  /// Mask of the bits `--unprotect` clears: bits 2..5. Bit 6 is left alone (SEC on Winbond,
  /// but QE on Macronix, which a quad-mode boot may need), as is SRP (bit 7).
  public static let protectionMask: UInt8 = 0x3C

  /// Protected byte range. With `w25q` the W25Q decoding (CMP = 0, SEC = 0): BP = 0
  /// nothing, 7 everything, otherwise size >> (7 - BP) bytes at the top (bottom if TB).
  /// Other families decode these bits differently, so for them any protection bit counts
  /// as "the whole chip may be protected".
  public func protectedRange(flashSize: Int, w25q: Bool = true) -> Range<Int> {
    guard anyProtection else { return 0..<0 }
    guard w25q else { return 0..<flashSize }
    let bp = Int(blockProtect)
    if bp == 0 { return 0..<0 }
    if bp == 7 { return 0..<flashSize }
    let n = flashSize >> (7 - bp)
    return topBottom ? 0..<n : (flashSize - n)..<flashSize
  }
}

/// Injectable time source (nanoseconds, monotonic) for status-polling deadlines: the wall
/// clock on hardware, an emulator's virtual clock in tests.
public typealias FlashClock = @Sendable () -> UInt64

public let wallClock: FlashClock = {
  UInt64(FTDITransport.monotonicSeconds() * 1e9)
}

/// One page program in a batch.
public struct PageWrite: Sendable, Equatable {
  public var address: Int
  public var data: [UInt8]
  public init(address: Int, data: [UInt8]) {
    self.address = address
    self.data = data
  }
}

/// SPI NOR driver: identification, status, reads, erases and batched page programs.
///
/// Every write operation is WREN, RDSR (to check WEL), the operation, a delay of the
/// part's typical time executed by the cable (MPSSE clocks without data), RDSR, all in the
/// same USB transfer; only if the part is still busy does the host poll again.
public final class SPINorFlash {
  public let channel: MPSSEChannel
  public private(set) var part: FlashPart?
  public var clock: FlashClock
  /// Pages packed into one USB round trip (each with its own WREN/WEL check/status poll).
  public var pagesPerBatch = 16
  /// Bytes read per USB round trip.
  public var readChunk = 64 * 1024
  /// Let the cable itself wait the typical program/erase time (MPSSE 0x8F clocks with CS#
  /// high) before reading status, so most operations need no extra polling round trip. On
  /// by default; tests that run the emulator with busy times off may turn it off to save
  /// emulated clock cycles.
  public var cableDelays = true
  /// Counters, for reports and benchmarks.
  public private(set) var pollRoundTrips = 0
  public private(set) var requeuedPages = 0
  private var in4ByteMode = false
  /// Extra wait added to the page-program delay when polls find the part still busy.
  private var programDelayNs: UInt64 = 0

  public init(channel: MPSSEChannel, clock: @escaping FlashClock = wallClock) {
    self.channel = channel
    self.clock = clock
  }

  var pins: SPIPins { channel.pins }

  // MARK: - Building transactions

  /// CS low, `command` out, `readCount` bytes in, CS high.
  func transaction(_ c: inout MPSSECommands, _ command: [UInt8], readCount: Int = 0) {
    c.chipSelect(pins, asserted: true)
    c.write(command)
    if readCount > 0 { c.read(count: readCount) }
    c.chipSelect(pins, asserted: false)
  }

  func address(_ a: Int, bytes: Int) -> [UInt8] {
    bytes == 4 ? [UInt8(truncatingIfNeeded: a >> 24), UInt8(truncatingIfNeeded: a >> 16),
                  UInt8(truncatingIfNeeded: a >> 8), UInt8(truncatingIfNeeded: a)]
      : [UInt8(truncatingIfNeeded: a >> 16), UInt8(truncatingIfNeeded: a >> 8), UInt8(truncatingIfNeeded: a)]
  }

  var addressBytes: Int { part?.addressBytes ?? 3 }

  /// A wait of `ns` executed by the MPSSE engine (SCK toggling with CS# high).
  func delay(_ c: inout MPSSECommands, ns: UInt64) {
    guard cableDelays else { return }
    // A small margin (1/2048 of the wait, plus a byte): the status read must land after
    // the typical time, not on it, or a whole polling round trip is lost.
    let clocks = (ns + ns / 2048) * UInt64(channel.clockHz) / 1_000_000_000
    let bytes = Int((clocks + 7) / 8) + 1
    if ns > 0 { c.idleClockBytes(bytes) }
  }

  // MARK: - Identification

  public func readJEDECID() throws(FlashError) -> UInt32 {
    var c = MPSSECommands()
    transaction(&c, [SPINorOpcode.readJEDECID], readCount: 3)
    let r = try channel.exchange(c)
    return UInt32(r[0]) << 16 | UInt32(r[1]) << 8 | UInt32(r[2])
  }

  public func readSFDP(offset: Int, count: Int) throws(FlashError) -> [UInt8] {
    var c = MPSSECommands()
    transaction(&c, [SPINorOpcode.readSFDP] + address(offset, bytes: 3) + [0], readCount: count)
    return try channel.exchange(c)
  }

  /// Reads the JEDEC id, looks the part up in `FlashParts`, falls back to SFDP, and
  /// switches the part to 4-byte addressing if it needs it.
  @discardableResult
  public func identify(expectedJEDECID: UInt32? = nil, expectedSize: Int? = nil) throws(FlashError) -> FlashPart {
    let id = try readJEDECID()
    if id == 0xFFFFFF || id == 0 { throw .noChip(jedecID: id) }
    let found: FlashPart
    if let p = FlashParts.lookup(jedecID: id) {
      found = p
    } else if let p = try partFromSFDP(jedecID: id) {
      found = p
    } else {
      if let e = expectedJEDECID, e != id { throw .wrongChip(expected: e, found: id, foundPart: nil) }
      throw .unknownChip(jedecID: id)
    }
    if let e = expectedJEDECID, e != id { throw .wrongChip(expected: e, found: id, foundPart: found.name) }
    part = found
    if case .enter4ByteMode(let wrenFirst) = found.addressing {
      var c = MPSSECommands()
      if wrenFirst { transaction(&c, [SPINorOpcode.writeEnable]) }
      transaction(&c, [SPINorOpcode.enter4ByteMode])
      if wrenFirst { transaction(&c, [SPINorOpcode.writeDisable]) }
      _ = try channel.exchange(c)
      in4ByteMode = true
    }
    return found
  }

  /// Parses SFDP, or nil if the part has none.
  public func partFromSFDP(jedecID: UInt32) throws(FlashError) -> FlashPart? {
    let head = try readSFDP(offset: 0, count: 16)
    guard (head.readLE(0) as UInt32) == SFDP.signature else { return nil }
    let all = try readSFDP(offset: 0, count: 8 + 8 * (Int(head[6]) + 1))
    guard let sfdp = try? SFDP.parseHeader(all), let bfpt = sfdp.basicTable else { return nil }
    let raw = try readSFDP(offset: bfpt.pointer, count: 4 * max(9, min(bfpt.lengthDWords, 20)))
    let dwords = (0..<(raw.count / 4)).map { raw.readLE($0 * 4) as UInt32 }
    return try? SFDP.part(jedecID: jedecID, basicTable: dwords)
  }

  /// Returns the part to 3-byte mode so a boot ROM finds it as after power-on.
  public func finish() throws(FlashError) {
    guard in4ByteMode, case .enter4ByteMode(let wrenFirst) = part?.addressing else { return }
    var c = MPSSECommands()
    if wrenFirst { transaction(&c, [SPINorOpcode.writeEnable]) }
    transaction(&c, [SPINorOpcode.exit4ByteMode])
    if wrenFirst { transaction(&c, [SPINorOpcode.writeDisable]) }
    _ = try channel.exchange(c)
    in4ByteMode = false
  }

  func requirePart() -> FlashPart {
    guard let p = part else { preconditionFailure("identify() must be called first") }
    return p
  }

  // MARK: - Status

  public func readStatus() throws(FlashError) -> FlashStatus {
    var c = MPSSECommands()
    transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
    return FlashStatus(try channel.exchange(c)[0])
  }

  /// Polls until WIP clears or `limitNs` (from `start`) passes.
  func waitReady(operation: String, address: Int?, start: UInt64, limitNs: UInt64, stepNs: UInt64) throws(FlashError) {
    while true {
      var c = MPSSECommands()
      delay(&c, ns: stepNs)
      transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
      let s = FlashStatus(try channel.exchange(c)[0])
      pollRoundTrips += 1
      if !s.busy { return }
      let waited = clock() &- start
      if waited > limitNs {
        throw .timeout(operation: operation, address: address, waitedMicroseconds: waited / 1000)
      }
    }
  }

  /// WREN, then status register write, then wait for tW.
  public func writeStatus(_ value: UInt8) throws(FlashError) {
    var c = MPSSECommands()
    transaction(&c, [SPINorOpcode.writeEnable])
    transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
    transaction(&c, [SPINorOpcode.writeStatus1, value])
    let start = clock()
    let r = try channel.exchange(c)
    guard FlashStatus(r[0]).writeEnabled else { throw .writeEnableRejected(status: r[0]) }
    try waitReady(operation: "status register write", address: nil, start: start, limitNs: 100_000_000, stepNs: 1_000_000)
  }

  // MARK: - Read

  /// Fast read (0x0B, one dummy byte), `readChunk` bytes per USB round trip.
  public func read(address: Int, count: Int, progress: ((Int) -> Void)? = nil) throws(FlashError) -> [UInt8] {
    let p = requirePart()
    guard address >= 0, count >= 0, address + count <= p.size else {
      throw .outOfRange(offset: address, length: count, flashSize: p.size)
    }
    var out: [UInt8] = []
    out.reserveCapacity(count)
    var a = address
    while a < address + count {
      let n = min(readChunk, address + count - a)
      var c = MPSSECommands()
      transaction(&c, [SPINorOpcode.fastRead] + self.address(a, bytes: p.addressBytes) + [0], readCount: n)
      out += try channel.exchange(c)
      a += n
      progress?(a - address)
    }
    return out
  }

  // MARK: - Erase

  /// One erase: WREN, WEL check, erase, typical-time delay, status, in one round trip;
  /// then polling until done or the datasheet maximum passes.
  public func erase(_ type: EraseType, at address: Int) throws(FlashError) {
    let p = requirePart()
    precondition(address % type.size == 0)
    var attempt = 0
    while true {
      var c = MPSSECommands()
      transaction(&c, [SPINorOpcode.writeEnable])
      transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
      transaction(&c, [type.opcode] + self.address(address, bytes: p.addressBytes))
      delay(&c, ns: type.time.typicalNs)
      transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
      let start = clock()
      let r = try channel.exchange(c)
      let wel = FlashStatus(r[0])
      if wel.busy || !wel.writeEnabled {
        // Busy from an earlier operation (erase not started) or WREN refused: retry once.
        if wel.busy {
          try waitReady(operation: "previous operation", address: address, start: start,
                        limitNs: type.time.maxNs, stepNs: max(type.time.typicalNs / 8, 100_000))
        }
        attempt += 1
        if attempt > 1 { throw .writeEnableRejected(status: wel.raw) }
        continue
      }
      if FlashStatus(r[1]).busy {
        try waitReady(operation: "\(type.size / 1024) KiB erase", address: address, start: start,
                      limitNs: type.time.maxNs + type.time.maxNs / 10, stepNs: max(type.time.typicalNs / 16, 100_000))
      }
      return
    }
  }

  // MARK: - Program

  /// Programs pages (each within one page, data non-empty), `pagesPerBatch` per round
  /// trip. A page whose WEL check shows the part still busy with the previous one was not
  /// started and is sent again; a refused WREN is retried once, then reported.
  public func program(_ pages: [PageWrite]) throws(FlashError) {
    let p = requirePart()
    var queue = pages[...]
    var refusals = 0
    while !queue.isEmpty {
      let batch = Array(queue.prefix(pagesPerBatch))
      var c = MPSSECommands()
      for w in batch {
        precondition(!w.data.isEmpty && w.address / p.pageSize == (w.address + w.data.count - 1) / p.pageSize)
        transaction(&c, [SPINorOpcode.writeEnable])
        transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
        transaction(&c, [SPINorOpcode.pageProgram] + address(w.address, bytes: p.addressBytes) + w.data)
        delay(&c, ns: p.pageProgram.typicalNs + programDelayNs)
        transaction(&c, [SPINorOpcode.readStatus1], readCount: 1)
      }
      let start = clock()
      let r = try channel.exchange(c)
      var done = 0
      var lastBusy = false
      for i in batch.indices {
        let wel = FlashStatus(r[2 * i])
        let after = FlashStatus(r[2 * i + 1])
        if wel.busy { break }  // this page and the following ones were not started
        if !wel.writeEnabled {
          refusals += 1
          if refusals > 1 { throw .writeEnableRejected(status: wel.raw) }
          break
        }
        done += 1
        lastBusy = after.busy
      }
      if done < batch.count {
        requeuedPages += batch.count - done
        // Programs take longer than typical here: wait longer before the next status.
        programDelayNs = min(programDelayNs + p.pageProgram.typicalNs / 4, p.pageProgram.maxNs)
      }
      // Whatever was last started may still be running: wait for it before the next batch.
      if done < batch.count || lastBusy {
        let last = done > 0 ? batch[done - 1].address : batch[0].address
        try waitReady(operation: "page program", address: last, start: start,
                      limitNs: p.pageProgram.maxNs * UInt64(batch.count) + p.pageProgram.maxNs / 10,
                      stepNs: max(p.pageProgram.typicalNs / 8, 20_000))
      }
      queue = queue.dropFirst(done)
    }
  }
}
