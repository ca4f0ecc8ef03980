/// Messages between two nodes over an NTB function, in the manner of Linux's
/// drivers/ntb/ntb_transport.c: a handshake through scratchpads, a queue pair whose receive
/// ring lives in each side's own RAM and is written by the peer through a memory window, and
/// a doorbell after each batch. One queue pair, one window.
///
/// Each side's receive buffer (`NTBTransportSettings.buffer`, `ringBytes` of its RAM):
///
///     0x00  PRODUCED  sequence number after the last message the peer wrote here
///     0x04  ACKED     the next sequence number the peer expects from us (our messages it took)
///     0x40  slots     `slots` × 64 bytes: sequence, length in bytes, 56 bytes of payload
///
/// The sender writes a slot, then PRODUCED (posted writes stay in order, so the slot lands
/// first), then rings doorbell 0; the receiver delivers slots whose sequence number is the one
/// it expects, in order, and writes ACKED back into the sender's buffer.
///
/// Recovery: the handshake runs whenever the link comes back or the peer's session changes.
/// Each side publishes the sequence it expects next and the sequence the peer last acknowledged,
/// and whether it just started (`fresh`: its RAM and state are new). The sender keeps every
/// message until it is acknowledged and resends from the sequence the peer expects; the
/// receiver takes only the sequence it expects. So nothing is delivered twice or lost, as
/// long as a side's firmware restarts between polls (a poll delivers and acknowledges as one).
public struct NTBTransport<H: HAL> {
  /// Scratchpads of the handshake (cf. ntb_transport's VERSION, NUM_QPS, NUM_MWS, MWn_SZ).
  public enum Scratchpad: Int, CaseIterable {
    case version = 0, queuePairs, memoryWindows, ringBytesHigh, ringBytesLow, bufferHigh, bufferLow
    case receiveExpected, transmitAcknowledged, flags, seenSession
    /// Written last: the peer reads the others once it changes.
    case session
  }

  public enum State: Equatable {
    /// Waiting for the link.
    case down
    /// Values sent to the peer; waiting for its values and for it to have seen ours.
    case handshaking
    case ready
    /// The peer's handshake values do not match ours (they stay until its session changes).
    case incompatible(NTBTransportError)
  }

  public static var version: UInt32 { 1 }
  public static var slotBytes: Int { 64 }
  public static var headerBytes: Int { 64 }
  public static var payloadLimit: Int { slotBytes - 8 }
  /// Doorbell 0: new messages in your ring.
  public static var messageDoorbell: UInt64 { 1 }

  public let driver: NTBDriver<H>
  public let settings: NTBTransportSettings
  public private(set) var state: State = .down
  /// Messages delivered, oldest first, until `takeDelivered`.
  public private(set) var delivered: [NTBTransportMessage] = []
  /// Handshakes completed (the first and every recovery).
  public private(set) var handshakes = 0
  /// Slots skipped because their sequence number was not the one expected (stale or resent).
  public private(set) var staleSlots = 0

  var fresh = true
  var session: UInt32
  var peerSession: UInt32 = 0
  var peerBuffer: UInt64 = 0
  /// Where the peer's ring appears locally: the window's base, read once at each handshake.
  var windowBase: UInt64 = 0
  var peerReceiveExpected: UInt32 = 0
  var peerTransmitAcknowledged: UInt32 = 0
  var peerFresh = true
  /// The next sequence number this side will deliver.
  public private(set) var receiveExpected: UInt32 = 0
  /// The next sequence number to write into the peer's ring.
  var transmitNext: UInt32 = 0
  /// The sequence number the next `send` gets.
  public private(set) var nextSequence: UInt32 = 0
  /// Sent, not yet acknowledged: (sequence, payload), oldest first.
  var pending: [NTBTransportMessage] = []

  /// A side that (re)starts: clears its own scratchpads and takes the link down first, so the
  /// peer sees it go and nothing from before the restart is mistaken for the new handshake.
  public init(driver: NTBDriver<H>, settings: NTBTransportSettings) throws(NTBTransportError) {
    guard settings.ringBytes >= Self.headerBytes + Self.slotBytes * settings.slots, settings.slots > 0 else {
      throw .ringTooSmall(bytes: settings.ringBytes, slots: settings.slots)
    }
    guard settings.window < driver.memoryWindowCount else { throw .driver(.windowOutOfRange(window: settings.window, count: driver.memoryWindowCount)) }
    guard driver.scratchpadCount >= Scratchpad.allCases.count else {
      throw .driver(.scratchpadOutOfRange(index: Scratchpad.allCases.count - 1, count: driver.scratchpadCount))
    }
    self.driver = driver
    self.settings = settings
    session = UInt32(truncatingIfNeeded: driver.hal.cycles) | 1
    driver.linkDisable()
    for n in Scratchpad.allCases { try? driver.writeScratchpad(n.rawValue, 0) }
    writeLocal(0, 0)
    writeLocal(4, 0)
    driver.clearLinkEvent()
    driver.linkEnable()
  }

  public var isReady: Bool { state == .ready }

  /// Hands over the messages delivered so far.
  public mutating func takeDelivered() -> [NTBTransportMessage] {
    defer { delivered = [] }
    return delivered
  }

  /// Queues `payload` (at most `payloadLimit` bytes) and writes what the peer's ring has room
  /// for. Returns its sequence number. Needs a completed handshake (the first fixes the numbering).
  @discardableResult
  public mutating func send(_ payload: [UInt8]) throws(NTBTransportError) -> UInt32 {
    guard payload.count <= Self.payloadLimit else { throw .payloadTooLong(bytes: payload.count, limit: Self.payloadLimit) }
    guard handshakes > 0 else { throw .notReady }
    let sequence = nextSequence
    pending.append(NTBTransportMessage(sequence: sequence, payload: payload))
    nextSequence &+= 1
    if state == .ready { flush() }
    return sequence
  }

  /// Messages queued and not yet acknowledged by the peer.
  public var unacknowledged: Int { pending.count }

  /// One turn of the transport's firmware: follows the link and the handshake, delivers what
  /// arrived, writes what is queued. Bounded work; call it from the node's main loop.
  public mutating func poll() {
    let linkChanged = driver.clearLinkEvent()
    if linkChanged || !driver.isLinkUp {
      if state != .down { state = .down }
      if !driver.isLinkUp { return }
    }
    switch state {
    case .down:
      startHandshake()
    case .handshaking, .incompatible:
      continueHandshake()
    case .ready:
      if readScratchpad(.session) != peerSession {
        startHandshake()
        return
      }
      receive()
      flush()
    }
  }

  // MARK: Handshake

  mutating func startHandshake() {
    session &+= 2
    peerSession = 0
    state = .handshaking
    let values: [(Scratchpad, UInt32)] = [
      (.version, Self.version), (.queuePairs, 1), (.memoryWindows, 1),
      (.ringBytesHigh, UInt32(truncatingIfNeeded: UInt64(settings.ringBytes) >> 32)), (.ringBytesLow, UInt32(truncatingIfNeeded: settings.ringBytes)),
      (.bufferHigh, UInt32(truncatingIfNeeded: settings.buffer >> 32)), (.bufferLow, UInt32(truncatingIfNeeded: settings.buffer)),
      (.receiveExpected, receiveExpected), (.transmitAcknowledged, readLocal(4)), (.flags, fresh ? 1 : 0),
      (.session, session),
    ]
    for (pad, value) in values {
      do { try driver.writePeerScratchpad(pad.rawValue, value) } catch { state = .down; return }
    }
  }

  mutating func continueHandshake() {
    let theirs = readScratchpad(.session)
    if theirs != 0 && theirs != peerSession {
      peerSession = theirs
      if let mismatch = checkPeer() {
        state = .incompatible(mismatch)
        return
      }
      state = .handshaking
      resume()
      // Only now may the peer complete and write into our ring.
      do { try driver.writePeerScratchpad(Scratchpad.seenSession.rawValue, theirs) } catch { state = .down; return }
    }
    guard state == .handshaking, peerSession != 0, readScratchpad(.seenSession) == session else { return }
    complete()
  }

  /// Where each stream resumes, decided before the peer may send: a side that kept its state
  /// keeps its numbers; a fresh one takes the survivor's (see the type's comment). Resets this
  /// side's ring header to match.
  mutating func resume() {
    if fresh {
      receiveExpected = peerFresh ? 0 : peerTransmitAcknowledged
      transmitNext = peerFresh ? 0 : peerReceiveExpected
      nextSequence = transmitNext
      pending = []
    } else {
      transmitNext = peerFresh ? readLocal(4) : peerReceiveExpected
    }
    acknowledge(upTo: transmitNext)
    writeLocal(0, receiveExpected)
    writeLocal(4, transmitNext)
  }

  /// Reads the peer's values; what does not match ours.
  mutating func checkPeer() -> NTBTransportError? {
    let version = readScratchpad(.version)
    guard version == Self.version else { return .versionMismatch(ours: Self.version, theirs: version) }
    let pairs = readScratchpad(.queuePairs), windows = readScratchpad(.memoryWindows)
    guard pairs == 1, windows == 1 else { return .shapeMismatch(queuePairs: pairs, memoryWindows: windows) }
    let ring = UInt64(readScratchpad(.ringBytesHigh)) << 32 | UInt64(readScratchpad(.ringBytesLow))
    guard ring == UInt64(settings.ringBytes) else { return .ringMismatch(ours: UInt64(settings.ringBytes), theirs: ring) }
    peerBuffer = UInt64(readScratchpad(.bufferHigh)) << 32 | UInt64(readScratchpad(.bufferLow))
    peerReceiveExpected = readScratchpad(.receiveExpected)
    peerTransmitAcknowledged = readScratchpad(.transmitAcknowledged)
    peerFresh = readScratchpad(.flags) & 1 == 1
    return nil
  }

  mutating func complete() {
    do {
      try driver.setTranslation(window: settings.window, peerAddress: peerBuffer, size: UInt64(settings.ringBytes))
      windowBase = try driver.windowAddress(settings.window).base
    } catch {
      state = .incompatible(.driver(error))
      return
    }
    fresh = false
    handshakes += 1
    state = .ready
    flush()
  }

  // MARK: Data

  mutating func receive() {
    if driver.readDoorbells() & Self.messageDoorbell != 0 { try? driver.clearDoorbells(Self.messageDoorbell) }
    let produced = readLocal(0)
    var took = false
    while produced &- receiveExpected != 0 && produced &- receiveExpected < 0x8000_0000 {
      let slot = settings.buffer + UInt64(Self.headerBytes + Self.slotBytes * Int(receiveExpected % UInt32(settings.slots)))
      guard driver.hal.read32(slot) == receiveExpected else {
        staleSlots += 1
        break
      }
      let length = min(Int(driver.hal.read32(slot + 4)), Self.payloadLimit)
      var payload: [UInt8] = []
      var offset = 0
      while offset < length {
        let word = driver.hal.read32(slot + 8 + UInt64(offset))
        for b in 0..<min(4, length - offset) { payload.append(UInt8(truncatingIfNeeded: word >> UInt32(8 * b))) }
        offset += 4
      }
      delivered.append(NTBTransportMessage(sequence: receiveExpected, payload: payload))
      receiveExpected &+= 1
      took = true
    }
    if took { driver.hal.write32(windowBase + 4, receiveExpected) }
  }

  mutating func flush() {
    acknowledge(upTo: readLocal(4))
    var wrote = false
    for message in pending where message.sequence &- transmitNext < 0x8000_0000 {
      guard message.sequence == transmitNext, transmitNext &- acknowledgedFloor < UInt32(settings.slots) else { break }
      let slot = windowBase + UInt64(Self.headerBytes + Self.slotBytes * Int(message.sequence % UInt32(settings.slots)))
      driver.hal.write32(slot, message.sequence)
      driver.hal.write32(slot + 4, UInt32(message.payload.count))
      var offset = 0
      while offset < message.payload.count {
        var word: UInt32 = 0
        for b in 0..<min(4, message.payload.count - offset) { word |= UInt32(message.payload[offset + b]) << UInt32(8 * b) }
        driver.hal.write32(slot + 8 + UInt64(offset), word)
        offset += 4
      }
      transmitNext &+= 1
      wrote = true
    }
    guard wrote else { return }
    driver.hal.write32(windowBase, transmitNext)
    try? driver.ringPeer(Self.messageDoorbell)
  }

  /// The oldest sequence number the peer may still need: nothing below it is pending.
  var acknowledgedFloor: UInt32 { pending.first?.sequence ?? transmitNext }

  mutating func acknowledge(upTo sequence: UInt32) {
    while let first = pending.first, sequence &- first.sequence != 0, sequence &- first.sequence < 0x8000_0000 {
      pending.removeFirst()
    }
  }

  // MARK: Access

  func readScratchpad(_ pad: Scratchpad) -> UInt32 { (try? driver.readScratchpad(pad.rawValue)) ?? 0 }
  func readLocal(_ offset: UInt64) -> UInt32 { driver.hal.read32(settings.buffer + offset) }
  func writeLocal(_ offset: UInt64, _ value: UInt32) { driver.hal.write32(settings.buffer + offset, value) }
}

/// Where a side's receive ring is and how it is cut.
public struct NTBTransportSettings: Equatable {
  /// This side's receive buffer in its own RAM, aligned to the window's address alignment (4 KiB).
  public var buffer: UInt64
  /// Bytes of the buffer: the size the peer's window translates (a power of two ≥ 4 KiB).
  public var ringBytes: Int
  /// Message slots (64 bytes each after a 64-byte header).
  public var slots: Int
  /// The memory window the peer's ring is reached through.
  public var window: Int

  public init(buffer: UInt64, ringBytes: Int = 4096, slots: Int = 32, window: Int = 0) {
    self.buffer = buffer
    self.ringBytes = ringBytes
    self.slots = slots
    self.window = window
  }
}

public struct NTBTransportMessage: Equatable {
  public var sequence: UInt32
  public var payload: [UInt8]

  public init(sequence: UInt32, payload: [UInt8]) {
    self.sequence = sequence
    self.payload = payload
  }
}

public enum NTBTransportError: Error, Equatable {
  case ringTooSmall(bytes: Int, slots: Int)
  case payloadTooLong(bytes: Int, limit: Int)
  /// No handshake has completed yet: the numbering of messages is not known.
  case notReady
  case versionMismatch(ours: UInt32, theirs: UInt32)
  case shapeMismatch(queuePairs: UInt32, memoryWindows: UInt32)
  case ringMismatch(ours: UInt64, theirs: UInt64)
  case driver(NTBError)
}
