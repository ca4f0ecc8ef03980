/// A scripted bring-up: accesses on management ports and TLPs sent into the board, run in
/// order after reset. The export's sample `sc_main` runs it over TLM sockets; tests run the
/// same script with `MMIOMaster` on the Verilator C++ model and compare the two logs line by line.
public struct BringUpScript: Sendable {
  public enum Step: Sendable, Equatable {
    /// A register read of the port's data width at `address`.
    case read(port: String, address: UInt64, label: String)
    /// A register write; `byteEnables` (one per byte, default all) choose the bytes written.
    case write(port: String, address: UInt64, value: UInt64, byteEnables: [Bool]? = nil, label: String)
    /// A payload as a TLM initiator may send it, checked by the socket before the RTL sees it:
    /// any length, raw byte-enable bytes (0xFF enabled, 0x00 disabled, anything else refused).
    case payload(port: String, isWrite: Bool, address: UInt64, length: Int, byteEnables: [UInt8]?, label: String)
    /// One TLP's bytes, in transmission order, sent into a TLP input.
    case sendTLP(port: String, bytes: [UInt8], label: String)
    /// A check of what came out: the completion with `tag` that left through TLP output `port`
    /// (one the sample gives a sink) carries `data`. Prints MATCH, MISMATCH or MISSING.
    case expectCompletion(port: String, tag: UInt16, data: [UInt8], label: String)
    /// Cycles with nothing to do.
    case idle(cycles: Int)
    /// A step on the second board of a sample that crosses links (board 1; board 0 is the default).
    indirect case onBoard(Int, Step)
  }

  /// A host's memory (`strata::HostMemory`) behind link `link` of board `board`: it stores the
  /// memory writes the board sends out of `<link>_out` and answers its memory reads into
  /// `<link>_in` as `completer`; the script does not send into that `<link>_in` itself.
  public struct HostMemory: Sendable, Equatable {
    public var board: Int
    public var link: String
    public var completer: UInt16

    public init(board: Int, link: String, completer: UInt16) {
      self.board = board
      self.link = link
      self.completer = completer
    }
  }

  public var resetCycles: Int
  /// Links (see `SystemCPortPlan.links`) the sample crosses between two boards; none: one board.
  public var crossedLinks: [String]
  /// Clock cycles a crossed link's channel (`strata::TLPChannel`) delays each TLP: a cable's
  /// `ntb.link_latency_cycles`.
  public var linkLatencyCycles: Int
  /// Input pins held at these values on every board from the start (a host link's speed, width
  /// and `active`), by name.
  public var pins: [String: UInt64]
  public var hostMemories: [HostMemory]
  public var steps: [Step]

  public init(resetCycles: Int = 4, crossedLinks: [String] = [], linkLatencyCycles: Int = 1, pins: [String: UInt64] = [:],
              hostMemories: [HostMemory] = [], steps: [Step]) {
    self.resetCycles = resetCycles
    self.crossedLinks = crossedLinks
    self.linkLatencyCycles = linkLatencyCycles
    self.pins = pins
    self.hostMemories = hostMemories
    self.steps = steps
  }

  /// Whether every access is one the RTL itself answers (no `payload` steps), so the script
  /// can run on the Verilator model with `MMIOMaster` too.
  public var isRegisterLevel: Bool {
    !steps.contains { if case .payload = $0 { return true } else { return false } }
  }
}

/// The lines both sides print, so logs compare as text.
public enum BringUpLog {
  /// `mgmt0 read 0x0000000c -> TLM_OK_RESPONSE data=0x00000000 cycles=1  # NODE.INDEX`
  public static func read(port: String, address: UInt64, status: String, data: UInt64?, dataBytes: Int, cycles: Int, label: String) -> String {
    let value = data.map { " data=0x\(hex($0, digits: 2 * dataBytes))" } ?? ""
    return "\(port) read 0x\(hex(address, digits: 8)) -> \(status)\(value) cycles=\(cycles)  # \(label)"
  }

  /// `mgmt0 write 0x00000008 0x12345678 be=ffffffff -> TLM_OK_RESPONSE cycles=1  # SCRATCH`
  public static func write(port: String, address: UInt64, value: UInt64, byteEnables: String, status: String, dataBytes: Int, cycles: Int, label: String) -> String {
    "\(port) write 0x\(hex(address, digits: 8)) 0x\(hex(value, digits: 2 * dataBytes)) be=\(byteEnables) -> \(status) cycles=\(cycles)  # \(label)"
  }

  /// `link_out tlp 40000001...`: a TLP seen leaving (or entering) the board.
  public static func tlp(port: String, bytes: [UInt8]) -> String {
    "\(port) tlp \(bytes.map { hex(UInt64($0), digits: 2) }.joined())"
  }

  /// `link_in send 40000004... -> TLM_OK_RESPONSE  # label`: a TLP sent into the board.
  public static func send(port: String, bytes: [UInt8], status: String, label: String) -> String {
    "\(port) send \(bytes.map { hex(UInt64($0), digits: 2) }.joined()) -> \(status)  # \(label)"
  }

  /// `board1.host0 memory 0x0000000200000000 a0a1...`: a run of bytes a host memory holds at the end.
  public static func memory(owner: String, address: UInt64, bytes: [UInt8]) -> String {
    "\(owner) memory 0x\(hex(address, digits: 16)) \(bytes.map { hex(UInt64($0), digits: 2) }.joined())"
  }

  /// `host0_out completion tag 2 -> MATCH data=a0a7...  # label`: a completion checked
  /// against the data expected (`received` nil: none with that tag arrived).
  public static func completion(port: String, tag: UInt16, received: [UInt8]?, expected: [UInt8], label: String) -> String {
    guard let received else { return "\(port) completion tag \(tag) -> MISSING  # \(label)" }
    let verdict = received == expected ? "MATCH" : "MISMATCH"
    return "\(port) completion tag \(tag) -> \(verdict) data=\(received.map { hex(UInt64($0), digits: 2) }.joined())  # \(label)"
  }

  /// The byte enables as printed: one hex byte per data byte, address order.
  public static func byteEnables(_ enables: [Bool]?, dataBytes: Int) -> String {
    (enables ?? Array(repeating: true, count: dataBytes)).map { $0 ? "ff" : "00" }.joined()
  }

  static func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
