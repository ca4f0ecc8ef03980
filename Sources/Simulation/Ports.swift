import HDL

/// A handle on a model input, resolved once by name and then written directly into the
/// model's storage. Valid while its `Model` exists.
public struct InputPort {
  public let width: Int
  /// The name in the model's port table: a handle holds no reference-counted state, so bench
  /// loops copy handles for free.
  @usableFromInline let cName: UnsafePointer<CChar>
  @usableFromInline let storage: UnsafeMutableRawPointer
  @usableFromInline let bytes: Int
  @usableFromInline let mask: UInt64
  /// The model's "settled since the last input change" flag, cleared by every write.
  @usableFromInline let settled: UnsafeMutablePointer<Bool>

  init(_ port: ModelPort, cName: UnsafePointer<CChar>, storage: UnsafeMutableRawPointer, bytes: Int,
       settled: UnsafeMutablePointer<Bool>) {
    self.cName = cName
    self.width = port.width
    self.storage = storage
    self.bytes = bytes
    self.mask = port.width >= 64 ? .max : (1 << UInt64(port.width)) - 1
    self.settled = settled
  }

  public var name: String { String(cString: cName) }

  /// Writes an unsigned value; throws when it needs more bits than the port has.
  @inlinable @inline(__always)
  public func set(_ value: UInt64) throws {
    guard value & ~mask == 0 else { throw tooWide(value) }
    store(value)
  }

  /// Writes a value already known to fit (BFMs check words when they are queued).
  @inlinable @inline(__always)
  func store(_ value: UInt64) {
    settled.pointee = false
    storeKeepingSettled(value)
  }

  /// `store` without clearing the model's settled flag: for a BFM that writes several ports in
  /// one `drive()` and clears the flag once (`markChanged`).
  @inlinable @inline(__always)
  func storeKeepingSettled(_ value: UInt64) {
    // Three compares inline, the rest out of line: with four or more cases LLVM builds a jump
    // table, an indirect jump on every write; each compare is a well-predicted branch (a port's
    // size never changes). 16-bit (SData) ports are rare in stream data.
    let storage = self.storage, bytes = self.bytes
    if bytes == 4 {
      storage.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
    } else if bytes == 8 {
      storage.storeBytes(of: value, as: UInt64.self)
    } else if bytes == 1 {
      storage.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
    } else {
      Self.storeOther(value, into: storage, bytes: bytes)
    }
  }

  // Static, on the two fields it needs: a method would take the 48-byte handle by address, so
  // every inlined write would first copy the handle from its BFM onto the stack (and the next
  // load of `bytes` from that copy waited on the copy's store, 5% of a bench loop's samples).
  @usableFromInline @inline(never) @_effects(releasenone)
  static func storeOther(_ value: UInt64, into storage: UnsafeMutableRawPointer, bytes: Int) {
    if bytes == 2 { storage.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self); return }
    storage.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
    storage.storeBytes(of: UInt32(truncatingIfNeeded: value >> 32), toByteOffset: 4, as: UInt32.self)
    for offset in stride(from: 8, to: bytes, by: 4) { storage.storeBytes(of: 0, toByteOffset: offset, as: UInt32.self) }
  }

  /// Writes a 1-bit value without clearing the settled flag (see `storeKeepingSettled`).
  @inlinable @inline(__always)
  func setKeepingSettled(_ value: Bool) {
    storage.storeBytes(of: value ? 1 : 0, as: UInt8.self)
  }

  /// Clears the model's settled flag: inputs changed since the last `settle()`.
  @inlinable @inline(__always)
  func markChanged() { settled.pointee = false }

  /// Out of line, so the inlined hot path carries no string building (and no calls the optimizer
  /// must assume could release a caller's objects).
  @usableFromInline @inline(never) @_effects(releasenone)
  func tooWide(_ value: UInt64) -> SimulationError {
    .valueTooWide(port: name, width: width, value: "0x" + String(value, radix: 16))
  }

  /// Writes 1 or 0.
  @inlinable @inline(__always)
  public func set(_ value: Bool) {
    settled.pointee = false
    storage.storeBytes(of: value ? 1 : 0, as: UInt8.self)
  }

  /// Writes a value of any width; throws when its value needs more bits than the port has.
  /// (Integer literals go to the `UInt64` overload.)
  @_disfavoredOverload
  public func set(_ value: BitVector) throws {
    guard value.significantBits <= width || value.isZero else {
      throw SimulationError.valueTooWide(port: name, width: width, value: value.description)
    }
    settled.pointee = false
    writeWords(value.resized(to: width), into: storage, bytes: bytes)
  }

  /// The value last written.
  public var value: BitVector { readWords(from: storage, bytes: bytes, width: width) }
}

/// A handle on a model output (or an input, read back), resolved once by name. Valid while its
/// `Model` exists. Values reflect the last `settle()` or `step()`.
public struct OutputPort {
  public let width: Int
  @usableFromInline let cName: UnsafePointer<CChar>
  @usableFromInline let storage: UnsafeMutableRawPointer
  @usableFromInline let bytes: Int

  init(_ port: ModelPort, cName: UnsafePointer<CChar>, storage: UnsafeMutableRawPointer, bytes: Int) {
    self.cName = cName
    self.width = port.width
    self.storage = storage
    self.bytes = bytes
  }

  public var name: String { String(cString: cName) }

  /// The value of a port of at most 64 bits (wider ports: use `value`).
  @inlinable @inline(__always)
  public var uint64: UInt64 {
    // Three compares inline, not a jump table (see `InputPort.storeKeepingSettled`).
    if bytes == 4 { return UInt64(storage.load(as: UInt32.self)) }
    if bytes == 8 { return storage.load(as: UInt64.self) }
    if bytes == 1 { return UInt64(storage.load(as: UInt8.self)) }
    return loadOther()
  }

  @usableFromInline @inline(never) @_effects(readonly)
  func loadOther() -> UInt64 {
    guard bytes == 2 else { tooWideForUInt64() }
    return UInt64(storage.load(as: UInt16.self))
  }

  @usableFromInline @inline(never)
  func tooWideForUInt64() -> Never {
    preconditionFailure("`\(name)` has \(width) bits; read it as a BitVector with `.value`")
  }

  /// Bit 0, for 1-bit ports such as `valid` and `ready`.
  @inlinable @inline(__always)
  public var bool: Bool { storage.load(as: UInt8.self) & 1 == 1 }

  /// The value at any width.
  public var value: BitVector { readWords(from: storage, bytes: bytes, width: width) }
}

private func writeWords(_ value: BitVector, into storage: UnsafeMutableRawPointer, bytes: Int) {
  if bytes <= 8 {
    let word = value.words[0]
    for offset in 0..<bytes { storage.storeBytes(of: UInt8(truncatingIfNeeded: word >> UInt64(offset * 8)), toByteOffset: offset, as: UInt8.self) }
    return
  }
  for index in 0..<bytes / 4 {
    let word = value.words[index / 2] >> UInt64(index % 2 * 32)
    storage.storeBytes(of: UInt32(truncatingIfNeeded: word), toByteOffset: index * 4, as: UInt32.self)
  }
}

private func readWords(from storage: UnsafeMutableRawPointer, bytes: Int, width: Int) -> BitVector {
  var words = [UInt64](repeating: 0, count: (width + 63) / 64)
  if bytes <= 8 {
    for offset in 0..<bytes { words[0] |= UInt64(storage.load(fromByteOffset: offset, as: UInt8.self)) << UInt64(offset * 8) }
  } else {
    for index in 0..<bytes / 4 {
      words[index / 2] |= UInt64(storage.load(fromByteOffset: index * 4, as: UInt32.self)) << UInt64(index % 2 * 32)
    }
  }
  return BitVector(width: width, words: words)
}
