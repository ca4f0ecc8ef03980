/// One DMA descriptor: copy `length` bytes from the start of a source frame to the start of a
/// destination frame, optionally remapping a page when the copy is done.
///
/// Encoded as four 32-bit words (registers DMA_SOURCE, DMA_DESTINATION, DMA_LENGTH, DMA_CONTROL):
/// source and destination as `FrameAddress.encoded`; the length in bytes; PAGE in bits 23:0,
/// REMAP in bit 24 and INTERRUPT in bit 25 of the control word.
public struct DMADescriptor: Equatable, Sendable {
  public var source: FrameAddress
  public var destination: FrameAddress
  /// Bytes to copy: a positive multiple of the beat size, at most a page; a remap needs a whole page.
  public var length: Int
  /// The unified page to remap (used with `remapOnCompletion`).
  public var page: Int
  /// When the copy succeeds the page's entry flips atomically from `source` to `destination`;
  /// while it runs the entry is marked migrating and writes to the page wait.
  public var remapOnCompletion: Bool
  /// Raise DMA_DONE (or DMA_ERROR) when the descriptor completes.
  public var interruptOnCompletion: Bool

  public init(from source: FrameAddress, to destination: FrameAddress, length: Int, page: Int = 0,
              remapOnCompletion: Bool = false, interruptOnCompletion: Bool = false) {
    self.source = source
    self.destination = destination
    self.length = length
    self.page = page
    self.remapOnCompletion = remapOnCompletion
    self.interruptOnCompletion = interruptOnCompletion
  }

  /// A whole-page migration of `page` with remap-on-completion.
  public static func migrate(page: Int, from source: FrameAddress, to destination: FrameAddress, pageSize: Int,
                             interrupt: Bool = false) -> DMADescriptor {
    DMADescriptor(from: source, to: destination, length: pageSize, page: page, remapOnCompletion: true,
                  interruptOnCompletion: interrupt)
  }

  public static let remapBit: UInt32 = 1 << 24
  public static let interruptBit: UInt32 = 1 << 25

  public var controlWord: UInt32 {
    UInt32(page & 0xFF_FFFF) | (remapOnCompletion ? Self.remapBit : 0) | (interruptOnCompletion ? Self.interruptBit : 0)
  }

  public var words: [UInt32] { [source.encoded, destination.encoded, UInt32(truncatingIfNeeded: length), controlWord] }

  /// Decodes the four words; nil when a tier code is 3.
  public init?(words: [UInt32]) {
    guard words.count == 4, let s = FrameAddress(encoded: words[0]), let d = FrameAddress(encoded: words[1]) else { return nil }
    self.init(from: s, to: d, length: Int(words[2]), page: Int(words[3] & 0xFF_FFFF),
              remapOnCompletion: words[3] & Self.remapBit != 0, interruptOnCompletion: words[3] & Self.interruptBit != 0)
  }
}

/// How a descriptor ended; the 4-bit STATUS of a completion entry.
public enum DMAStatus: UInt8, Sendable {
  case ok = 0
  /// The source store failed a read; the map and every frame are as before.
  case sourceError = 1
  /// The destination store failed a write; the map and the source are as before.
  case destinationError = 2
  /// The descriptor was refused before copying: bad length, frame outside its tier, or a remap
  /// whose page is not valid, already migrating, or not mapped at the source frame.
  case badDescriptor = 3
}

/// One entry of the completion ring: which descriptor (its index in the descriptor ring's
/// numbering, modulo 2^16) and how it ended. Encoded as DESCRIPTOR 15:0, STATUS 19:16.
public struct DMACompletion: Equatable, Sendable {
  public var descriptor: Int
  public var status: DMAStatus
  /// The cycle the descriptor completed.
  public var cycle: Int

  public var encoded: UInt32 { UInt32(descriptor & 0xFFFF) | UInt32(status.rawValue) << 16 }
}
