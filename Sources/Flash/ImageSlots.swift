/// A named flash region, as the board file describes it (the CLI maps `Board` to this).
public struct FlashRegionSpec: Sendable, Equatable {
  public enum Role: String, Sendable { case boot, slotA, slotB, config, data }
  public var name: String
  public var offset: Int
  public var size: Int
  public var role: Role
  public init(name: String, offset: Int, size: Int, role: Role) {
    self.name = name
    self.offset = offset
    self.size = size
    self.role = role
  }
  public var range: Range<Int> { offset..<(offset + size) }
}

/// What a slot holds, as a boot loader would judge it.
public struct SlotState: Sendable, Equatable {
  public var region: FlashRegionSpec
  /// The decoded header, if magic, version and header CRC are good.
  public var header: ImageHeader?
  /// Why the slot is not bootable, if it is not.
  public var problem: String?
  public var bootable: Bool { problem == nil }
}

/// A/B image slots: where an update goes, how it is committed, which slot boots.
///
/// Boot rule (what the boot loader implements): a slot is bootable when its header decodes
/// (magic, version, header CRC), its board id matches, its body fits the slot and the body
/// CRC matches; among bootable slots the highest sequence number wins.
///
/// Update sequence, so that a power cut at any moment leaves the newest complete image
/// bootable:
/// 1. the whole image is read and validated (board id, size vs slot, CRCs) before anything
///    is erased;
/// 2. the target is the slot that does not boot now (invalid, or the lower sequence);
/// 3. its content is made equal to "blank header page + new body" — the header page is in
///    the slot's first erase unit, which comes first in address order, so the old header is
///    gone (erased) before any body byte changes, and a half-written slot never decodes;
/// 4. the body is verified by read-back (one retry per mismatching sector);
/// 5. the header page (new sequence = highest seen + 1) is programmed in ONE page program —
///    the commit point — and verified. Until it completes the other slot is the newest
///    complete image; once it completes the new one is.
public final class ImageSlots {
  public let programmer: FlashProgrammer
  public let slotA: FlashRegionSpec
  public let slotB: FlashRegionSpec
  public let boardID: UInt16?

  public init(programmer: FlashProgrammer, regions: [FlashRegionSpec], boardID: UInt16?) throws(FlashError) {
    guard let a = regions.first(where: { $0.role == .slotA }), let b = regions.first(where: { $0.role == .slotB }) else {
      throw .noSlots(reason: "the flash layout has no regions with roles slot_a and slot_b")
    }
    let unit = programmer.part.smallestErase.size
    for r in [a, b] where r.offset % unit != 0 || r.range.upperBound > programmer.part.size {
      throw .noSlots(reason: "region \(r.name) at \(hexAddress(r.offset)) size \(r.size) is not aligned to \(unit)-byte erase units or exceeds the \(programmer.part.size)-byte flash")
    }
    self.programmer = programmer
    self.slotA = a
    self.slotB = b
    self.boardID = boardID
  }

  /// Bytes an image needs in a slot.
  public static func slotBytesNeeded(_ image: FirmwareImage) -> Int {
    ImageHeader.bodyOffsetInSlot + image.body.count
  }

  /// Reads a slot's header and (if it decodes and `checkBody`) its body, and judges it.
  /// With `checkBody` false a slot whose header is good counts as bootable.
  public func inspect(_ region: FlashRegionSpec, checkBody: Bool = true) throws(FlashError) -> SlotState {
    let raw = try programmer.flash.read(address: region.offset, count: ImageHeader.size)
    let header: ImageHeader
    do {
      header = try ImageHeader.decode(raw)
    } catch {
      let blank = raw.allSatisfy { $0 == 0xFF }
      return SlotState(region: region, header: nil, problem: blank ? "empty" : "no valid header (\(error.description))")
    }
    if let b = boardID, header.boardID != b {
      return SlotState(region: region, header: header, problem: "built for board id \(header.boardID), not \(b)")
    }
    guard ImageHeader.bodyOffsetInSlot + Int(header.bodyLength) <= region.size else {
      return SlotState(region: region, header: header, problem: "body length \(header.bodyLength) exceeds the slot")
    }
    guard checkBody else { return SlotState(region: region, header: header, problem: nil) }
    let body = try programmer.flash.read(address: region.offset + ImageHeader.bodyOffsetInSlot, count: Int(header.bodyLength))
    let crc = CRC32.checksum(body)
    guard crc == header.bodyCRC else {
      return SlotState(region: region, header: header, problem: "body CRC \(hex32(crc)) does not match header \(hex32(header.bodyCRC))")
    }
    return SlotState(region: region, header: header, problem: nil)
  }

  /// The slot that boots: bootable, highest sequence (A on a tie).
  public static func active(_ states: [SlotState]) -> SlotState? {
    states.filter(\.bootable).max { ($0.header!.sequence, $0.region.role == .slotA ? 1 : 0) < ($1.header!.sequence, $1.region.role == .slotA ? 1 : 0) }
  }

  /// Checks that the slot that boots holds `image` (every byte of the header page and the
  /// body, with that slot's sequence number). Returns that slot.
  @discardableResult
  public func verify(_ image: FirmwareImage) throws(FlashError) -> SlotState {
    let states = [try inspect(slotA), try inspect(slotB)]
    guard let active = Self.active(states) else {
      throw .noBootableSlot(details: states.map { "\($0.region.name): \($0.problem ?? "ok")" }.joined(separator: ", "))
    }
    let expected = image.slotBytes(sequence: active.header!.sequence)
    try programmer.verify(expected, at: active.region.offset)
    return active
  }

  public struct UpdateReport: Sendable, Equatable {
    public var slot: FlashRegionSpec
    public var sequence: UInt64
    public var previous: SlotState?
    public var stats: WriteStats
  }

  /// Checks an image against the board and the slots without touching the flash.
  public func validate(_ image: FirmwareImage) throws(FlashError) {
    try Self.validate(image, regions: [slotA, slotB], boardID: boardID)
  }

  /// The same check from the layout alone, before any cable is opened.
  public static func validate(_ image: FirmwareImage, regions: [FlashRegionSpec], boardID: UInt16?) throws(FlashError) {
    if let b = boardID, image.header.boardID != b {
      throw .boardMismatch(imageBoardID: image.header.boardID, boardID: b)
    }
    let slots = regions.filter { $0.role == .slotA || $0.role == .slotB }
    guard slots.count == 2 else {
      throw .noSlots(reason: "the flash layout has no regions with roles slot_a and slot_b")
    }
    let need = slotBytesNeeded(image)
    let smaller = slots[0].size <= slots[1].size ? slots[0] : slots[1]
    if need > smaller.size {
      throw .imageTooLarge(bytes: need, slot: smaller.name, capacity: smaller.size)
    }
  }

  /// Writes `image` to the inactive slot and commits it (see the type's documentation).
  public func update(_ image: FirmwareImage) throws(FlashError) -> UpdateReport {
    try validate(image)
    // Headers of both slots; the body CRC only of the slot we are going to keep (the one
    // that would boot): the other one is overwritten anyway.
    var states = [try inspect(slotA, checkBody: false), try inspect(slotB, checkBody: false)]
    var active = Self.active(states)
    while let keep = active {
      let i = keep.region == slotA ? 0 : 1
      states[i] = try inspect(keep.region)
      if states[i].bootable { break }
      active = Self.active(states)
    }
    let target = active?.region == slotA ? slotB : slotA
    let sequence = (states.compactMap { $0.header?.sequence }.max() ?? 0) + 1
    let bytes = image.slotBytes(sequence: sequence)
    let headerPage = Array(bytes[0..<ImageHeader.bodyOffsetInSlot])

    // Phase 1: blank header page + body.
    var staged = bytes
    staged.replaceSubrange(0..<ImageHeader.bodyOffsetInSlot, with: repeatElement(0xFF, count: ImageHeader.bodyOffsetInSlot))
    var stats = try programmer.write(staged, at: target.offset)
    // Phase 2: commit.
    try programmer.flash.program([PageWrite(address: target.offset, data: headerPage)])
    stats.pagesProgrammed += 1
    try programmer.verify(headerPage, at: target.offset)
    return UpdateReport(slot: target, sequence: sequence, previous: active, stats: stats)
  }
}
