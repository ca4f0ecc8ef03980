/// A request on the controller's memory port: a read or a write burst of 64-bit beats at a
/// byte address of the unified space. Like a PCIe request, a burst may not cross a page (the
/// PCIe Base Specification forbids requests that cross a 4 KiB boundary, and pages are at least
/// 4 KiB), and its address is beat-aligned.
public struct MemoryRequest: Equatable, Sendable {
  public enum Kind: Sendable { case read, write }

  public var kind: Kind
  public var address: UInt64
  public var beats: Int
  /// One word per beat for writes; empty for reads.
  public var data: [UInt64]
  /// One byte-enable mask per beat for writes (bit i enables byte i of the beat).
  public var byteEnables: [UInt8]

  public static func read(_ address: UInt64, beats: Int = 1) -> MemoryRequest {
    MemoryRequest(kind: .read, address: address, beats: beats, data: [], byteEnables: [])
  }

  public static func write(_ address: UInt64, _ data: [UInt64], byteEnables: [UInt8]? = nil) -> MemoryRequest {
    MemoryRequest(kind: .write, address: address, beats: data.count, data: data,
                  byteEnables: byteEnables ?? Array(repeating: 0xFF, count: data.count))
  }

  public var isWrite: Bool { kind == .write }
}

/// How a request completed.
public enum MemoryStatus: Equatable, Sendable {
  case ok
  /// The page is not mapped; the controller recorded the address and raised PAGE_FAULT.
  case pageFault
  /// The backing store failed the access.
  case storeError
  /// The request itself is malformed (misaligned, empty, crossing a page, or past the space).
  case badRequest
}

public struct MemoryResponse: Equatable, Sendable {
  public var status: MemoryStatus
  /// One word per beat for a successful read.
  public var data: [UInt64]
  /// The cycle the request was accepted and the cycle its response was complete.
  public var accepted: Int
  public var completed: Int
  /// Where the request was served (nil when it was not).
  public var servedBy: FrameAddress?

  public var latency: Int { completed - accepted }
}
