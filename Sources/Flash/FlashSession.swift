/// Everything `strata flash` needs to know about a board, independent of the `Board`
/// target (the CLI maps a board file to this).
public struct FlashTarget: Sendable, Equatable {
  public var cable: FTDICableConfig
  /// Expected JEDEC id (manufacturer << 16 | type << 8 | capacity), if the board fixes it.
  public var jedecID: UInt32?
  /// Expected flash size in bytes, if known.
  public var size: Int?
  public var regions: [FlashRegionSpec]
  public var boardID: UInt16?

  public init(cable: FTDICableConfig = FTDICableConfig(), jedecID: UInt32? = nil, size: Int? = nil,
              regions: [FlashRegionSpec] = [], boardID: UInt16? = nil) {
    self.cable = cable
    self.jedecID = jedecID
    self.size = size
    self.regions = regions
    self.boardID = boardID
  }

  public func region(named name: String) throws(FlashError) -> FlashRegionSpec {
    guard let r = regions.first(where: { $0.name == name }) else {
      throw .regionNotFound(name: name, known: regions.map(\.name))
    }
    return r
  }
}

/// An open cable with an identified flash behind it.
public final class FlashSession {
  public let target: FlashTarget
  public let transport: FTDITransport
  public let flash: SPINorFlash
  public let programmer: FlashProgrammer
  public let part: FlashPart

  public init(target: FlashTarget, clock: @escaping FlashClock = wallClock) throws(FlashError) {
    self.target = target
    transport = try FTDITransport(target.cable)
    flash = SPINorFlash(channel: transport, clock: clock)
    part = try flash.identify(expectedJEDECID: target.jedecID)
    programmer = FlashProgrammer(flash: flash)
  }

  public func slots() throws(FlashError) -> ImageSlots {
    try ImageSlots(programmer: programmer, regions: target.regions, boardID: target.boardID)
  }

  /// Leaves the part in 3-byte mode and releases the cable.
  public func close() {
    try? flash.finish()
    transport.close()
  }
}
