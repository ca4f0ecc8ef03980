import HDL
import PCIe
import Simulation

/// What sits on the local side of a TLP port pair (`<prefix>_in_*` into the design,
/// `<prefix>_out_*` out of it): the node's memory and its management core's root port.
///
/// - Memory writes that come out are stored in `memory`; memory reads are answered with one
///   successful completion with data (bytes never written read as 0), so the far side of an NTB
///   window has something behind it.
/// - `read`/`write` send the core's own memory requests in (as `requester`) and, for reads,
///   wait for the completion with their tag.
///
/// `<prefix>_out_ready` is held high: the memory takes a beat every cycle. On a switch port
/// (one with flow-control ports, such as a node's `host_*`), this side is the link partner: it
/// advertises infinite credits and sends a TLP only when the switch's credits permit it.
public final class PCIeLocalSide: CycleAgent {
  public let prefix: String
  public let requester: PCIeID
  /// The completer ID in the completions the memory sends.
  public let completer: PCIeID
  /// The bytes behind this side, by address.
  public var memory: [UInt64: UInt8] = [:]
  /// The node's own RAM: the part of `memory` its core reaches directly (not through the design).
  public let localMemory: Range<UInt64>
  /// Requests the memory answered or stored, in arrival order (for tests and figures).
  public private(set) var served: [TLP] = []
  /// TLPs that came out and were neither a memory request nor a completion this side waits for.
  public private(set) var unexpected: [TLP] = []

  private let system: SimulatedSystem
  private let lanes: Int
  private let inValid, inHeader, inData, inStrobe, inStart, inEnd: InputPort
  private let inReady: OutputPort
  private let outValid, outHeader, outData, outStrobe, outStart, outEnd: OutputPort
  private let outReady: InputPort
  private let flowControl: LinkFlowControl?
  /// TLPs queued and not yet started, then the beats of the one going in.
  private var waiting: [TLP] = []
  private var sending: [TLPStreamBeat] = []
  /// Beats of TLPs queued so far and taken so far: a posted write is done when all its beats are taken.
  private var queuedBeats = 0, takenBeats = 0
  private var arriving: [TLPStreamBeat] = []
  private var completions: [UInt16: TLP] = [:]
  private var nextTag: UInt16 = 0

  public init(system: SimulatedSystem, prefix: String, requester: PCIeID, completer: PCIeID,
              localMemory: Range<UInt64> = 0..<0) throws {
    self.system = system
    self.localMemory = localMemory
    self.prefix = prefix
    self.requester = requester
    self.completer = completer
    let model = system.model
    func input(_ name: String) throws -> InputPort { try model.input("\(prefix)_\(name)") }
    func output(_ name: String) throws -> OutputPort { try model.output("\(prefix)_\(name)") }
    inValid = try input("in_valid"); inHeader = try input("in_header"); inData = try input("in_data")
    inStrobe = try input("in_strobe"); inStart = try input("in_start"); inEnd = try input("in_end")
    inReady = try output("in_ready")
    outValid = try output("out_valid"); outHeader = try output("out_header"); outData = try output("out_data")
    outStrobe = try output("out_strobe"); outStart = try output("out_start"); outEnd = try output("out_end")
    outReady = try input("out_ready")
    lanes = inData.width / 32
    flowControl = try LinkFlowControl(model: model, prefix: prefix)
    system.attach(self)
  }

  /// Reads `byteCount` bytes at `address` from the design; the completion's data, or why not.
  public func read(_ address: UInt64, byteCount: Int, timeoutCycles: Int) -> Result<[UInt8], LocalSideFailure> {
    let tag = nextTag
    nextTag = (nextTag + 1) & 0xFF
    queue(.memoryRead(address: address, byteCount: byteCount, requester: requester, tag: tag))
    for _ in 0..<timeoutCycles {
      system.step()
      guard let completion = completions.removeValue(forKey: tag) else { continue }
      guard completion.status == .successful, completion.kind == .completionWithData else {
        return .failure(.completionStatus("\(completion.status)"))
      }
      let skip = Int(address & 3)
      return .success(Array(completion.payload.dropFirst(skip).prefix(byteCount)))
    }
    return .failure(.noCompletion(cycles: timeoutCycles))
  }

  /// Writes `bytes` at `address` into the design; returns once the write has gone in (it is
  /// posted: nothing comes back), or why not.
  public func write(_ address: UInt64, bytes: [UInt8], timeoutCycles: Int) -> LocalSideFailure? {
    queue(.memoryWrite(address: address, data: bytes, requester: requester))
    let target = queuedBeats
    for _ in 0..<timeoutCycles {
      if takenBeats >= target { return nil }
      system.step()
    }
    return takenBeats >= target ? nil : .notTaken(cycles: timeoutCycles)
  }

  /// Queues a memory write of `bytes` at `address` and returns at once (posted writes back to
  /// back, for bandwidth figures); `isIdle` says when every queued TLP has gone in.
  public func post(_ address: UInt64, bytes: [UInt8]) {
    queue(.memoryWrite(address: address, data: bytes, requester: requester))
  }

  /// Nothing queued or part-way in.
  public var isIdle: Bool { waiting.isEmpty && sending.isEmpty }

  /// Bytes of `memory` from `address` (0 where never written).
  public func bytes(at address: UInt64, count: Int) -> [UInt8] { (0..<UInt64(count)).map { memory[address + $0] ?? 0 } }

  /// Forgets everything stored: a node whose memory did not survive a reset.
  public func clearMemory() { memory = [:] }

  private func queue(_ tlp: TLP) {
    waiting.append(tlp)
    queuedBeats += tlp.streamBeats(lanes: lanes).count
  }

  public func drive() {
    flowControl?.drive()
    if sending.isEmpty, let next = waiting.first, flowControl?.permits(next) ?? true {
      waiting.removeFirst()
      flowControl?.consume(next)
      sending = next.streamBeats(lanes: lanes)
    }
    inValid.set(!sending.isEmpty)
    outReady.set(true)
    guard let beat = sending.first else { return }
    let h = beat.header.map(UInt64.init)
    set(inHeader, BitVector(width: 128, words: [h[2] << 32 | h[3], h[0] << 32 | h[1]]))
    set(inData, BitVector(width: lanes * 32, words: stride(from: 0, to: lanes, by: 2).map { i in
      UInt64(beat.lanes[i]) | (i + 1 < lanes ? UInt64(beat.lanes[i + 1]) << 32 : 0) }))
    set(inStrobe, BitVector(width: inStrobe.width, unsigned: beat.strobe))
    inStart.set(beat.start)
    inEnd.set(beat.end)
  }

  public func sample() {
    if !sending.isEmpty && inReady.bool {
      sending.removeFirst()
      takenBeats += 1
    }
    guard outValid.bool else { return }
    let h = outHeader.value.words, d = outData.value.words
    arriving.append(TLPStreamBeat(
      header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
               UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
      lanes: (0..<lanes).map { UInt32(truncatingIfNeeded: d[$0 / 2] >> (32 * UInt64($0 % 2))) },
      strobe: outStrobe.uint64, start: outStart.bool, end: outEnd.bool))
    guard outEnd.bool else { return }
    defer { arriving = [] }
    guard let tlp = try? TLP(streamBeats: arriving) else {
      unexpected.append(TLP(kind: .memoryWrite))
      return
    }
    arrived(tlp)
  }

  private func arrived(_ tlp: TLP) {
    switch tlp.kind {
    case .memoryWrite:
      served.append(tlp)
      let base = tlp.address & ~3
      for (i, byte) in tlp.payload.enumerated() where byteEnabled(tlp, i) { memory[base + UInt64(i)] = byte }
    case .memoryRead:
      served.append(tlp)
      let data = (0..<UInt64(tlp.length * 4)).map { memory[(tlp.address & ~3) + $0] ?? 0 }
      queue(.completionWithData(answering: tlp, completer: completer, data: data))
    case .completion where tlp.requester == requester, .completionWithData where tlp.requester == requester:
      completions[tlp.tag & 0xFF] = tlp
    default:
      unexpected.append(tlp)
    }
  }

  /// Whether payload byte `i` is written: First BE covers DW 0, Last BE the last DW.
  private func byteEnabled(_ tlp: TLP, _ i: Int) -> Bool {
    let dw = i / 4, lane = i % 4
    if dw == 0 { return tlp.firstByteEnables >> lane & 1 == 1 }
    if dw == tlp.length - 1 { return tlp.lastByteEnables >> lane & 1 == 1 }
    return true
  }

  private func set(_ port: InputPort, _ value: BitVector) {
    do { try port.set(value) } catch { preconditionFailure("\(prefix): \(port.name) refused a beat: \(error)") }
  }
}

/// Why a memory access from the local side did not complete.
public enum LocalSideFailure: Error, CustomStringConvertible, Equatable {
  case noCompletion(cycles: Int)
  case completionStatus(String)
  case notTaken(cycles: Int)

  public var description: String {
    switch self {
    case .noCompletion(let cycles): return "no completion in \(cycles) cycles"
    case .completionStatus(let status): return "completed with status \(status)"
    case .notTaken(let cycles): return "the design did not take the write in \(cycles) cycles"
    }
  }
}
