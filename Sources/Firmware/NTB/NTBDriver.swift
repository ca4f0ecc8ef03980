/// The NTB function's driver, with the concepts of Linux's include/linux/ntb.h: link, memory
/// windows, doorbells, scratchpads and messages, for the one peer a Strata NTB function has.
///
/// Counts come from `NTB_INFO` at `init`, never from constants, so one build drives any
/// board's shape. Translation is programmed on the side that writes into the window
/// (`ntb_peer_mw_set_trans`): the side that owns the memory tells its peer where its buffer is
/// (scratchpads or messages, as `NTBTransport` does), and the peer points its window there.
///
/// Register offsets and fields are the generated accessors of `Ntb.swift`; arrays of
/// registers (windows, scratchpads, doorbell words, messages) are reached by the stride
/// between the generated offsets of elements 0 and 1.
public struct NTBDriver<H: HAL> {
  public typealias R = NtbRegisters
  public let hal: H
  public let base: UInt64
  public let memoryWindowCount: Int
  public let scratchpadCount: Int
  public let doorbellCount: Int
  public let vectorCount: Int
  public let messageCount: Int
  /// Where the windows appear in the core's map when that is not APERTURE_BASE: behind an
  /// endpoint's BAR0 the function sees offsets (APERTURE_BASE 0) and the core the BAR's address.
  public let windowsAddress: UInt64?
  let regs: Ntb<H>

  /// Reads the function's shape at `base`; refuses when nothing that looks like one answers.
  /// `windowsAddress`: the BAR that decodes the windows, when there is one (see the property).
  public init(hal: H, base: UInt64, windowsAddress: UInt64? = nil) throws(NTBError) {
    self.hal = hal
    self.base = base
    self.windowsAddress = windowsAddress
    regs = Ntb(bus: hal, baseAddress: base)
    let info = regs.readNtbInfo()
    guard info.rawValue != 0xFFFF_FFFF, info.memoryWindows > 0, info.doorbells > 0 else { throw .noFunction(info: info.rawValue) }
    memoryWindowCount = Int(info.memoryWindows)
    scratchpadCount = Int(info.scratchpads)
    doorbellCount = Int(info.doorbells)
    vectorCount = Int(info.vectors)
    messageCount = Int(info.messages)
  }

  func address(_ first: UInt64, _ second: UInt64, _ index: Int) -> UInt64 {
    base + first + UInt64(index) * (second - first)
  }

  // MARK: Where the function sits

  /// The function's bus number (proxy IDs of inbound requests), its aperture (a stand-in for
  /// the BAR enumeration assigns) and the local requesters allowed through its windows.
  public func configure(localBus: UInt8, apertureBase: UInt64, requesters: [UInt16]) throws(NTBError) {
    let capacity = Int((regs.readLutInfo().requesterEntries))
    guard requesters.count <= capacity else { throw .requesterTableFull(capacity: capacity) }
    regs.writeNtbIdentity(R.NtbIdentity(rawValue: UInt32(localBus)))
    hal.write32(base + R.ApertureBaseLow.offset, UInt32(truncatingIfNeeded: apertureBase) & R.ApertureBaseLow.addressMask)
    hal.write32(base + R.ApertureBaseHigh.offset, UInt32(truncatingIfNeeded: apertureBase >> 32))
    for n in 0..<capacity {
      var entry = R.RequesterId0()
      if n < requesters.count {
        entry.id = UInt32(requesters[n])
        entry.valid = true
      }
      hal.write32(address(R.RequesterId0.offset, R.RequesterId1.offset, n), entry.rawValue)
    }
  }

  /// The aperture's local address (memory window 0; window w follows at w × window size).
  public var apertureBase: UInt64 {
    UInt64(regs.readApertureBaseLow().rawValue & R.ApertureBaseLow.addressMask) | UInt64(regs.readApertureBaseHigh().rawValue) << 32
  }

  // MARK: Link (ntb_link_enable, ntb_link_disable, ntb_link_is_up)

  public func linkEnable() { regs.modifyLinkControl { $0.enable = true } }

  /// Takes this side out of the link. A barrier: no request of ours crosses after it returns.
  public func linkDisable() { regs.modifyLinkControl { $0.enable = false } }

  public func linkState() -> NTBLinkState {
    let s = regs.readLinkStatus()
    return NTBLinkState(isUp: s.up, peerEnabled: s.peerEnabled, speed: Int(s.speed), width: Int(s.width))
  }

  public var isLinkUp: Bool { regs.readLinkStatus().up }

  /// Acknowledges a link change (the link event's interrupt); returns whether one was pending.
  @discardableResult
  public func clearLinkEvent() -> Bool {
    let pending = regs.readEventStatus().linkChanged
    if pending {
      var ack = R.EventStatus()
      ack.linkChanged = true
      regs.writeEventStatus(ack)
    }
    return pending
  }

  /// Events raised since they were last cleared (`EVENT_STATUS`), cleared by this read.
  public func takeEvents() -> (peerOperationDropped: Bool, requestRefused: Bool) {
    let e = regs.readEventStatus()
    var ack = R.EventStatus()
    ack.peerOpDropped = e.peerOpDropped
    ack.requestRefused = e.requestRefused
    if ack.rawValue != 0 { regs.writeEventStatus(ack) }
    return (e.peerOpDropped, e.requestRefused)
  }

  // MARK: Memory windows (ntb_mw_count, ntb_mw_get_align, ntb_peer_mw_set_trans, ntb_peer_mw_get_addr)

  func checkWindow(_ window: Int) throws(NTBError) {
    guard (0..<memoryWindowCount).contains(window) else { throw .windowOutOfRange(window: window, count: memoryWindowCount) }
  }

  /// Like `ntb_mw_get_align`, only with the link up: a peer's restrictions are known then.
  public func windowAlignment(_ window: Int) throws(NTBError) -> NTBWindowAlignment {
    try checkWindow(window)
    guard isLinkUp else { throw .linkDown }
    let a = R.Mw0Alignment(rawValue: hal.read32(address(R.Mw0Alignment.offset, R.Mw1Alignment.offset, window)))
    return NTBWindowAlignment(addressAlignment: 1 << UInt64(a.addressAlignLog2), sizeAlignment: 1 << UInt64(a.sizeAlignLog2),
                              maximumSize: 1 << UInt64(a.sizeMaxLog2))
  }

  /// Points `window` at the peer's `peerAddress`: a write at offset o < `size` in the window
  /// lands at `peerAddress + o` on the peer. `size` is a power of two within the alignment.
  public func setTranslation(window: Int, peerAddress: UInt64, size: UInt64) throws(NTBError) {
    let align = try windowAlignment(window)
    guard peerAddress % align.addressAlignment == 0 else {
      throw .addressMisaligned(address: peerAddress, alignment: align.addressAlignment)
    }
    guard size >= align.sizeAlignment, size <= align.maximumSize, size & (size - 1) == 0 else {
      throw .sizeNotAllowed(size: size, alignment: align.sizeAlignment, maximum: align.maximumSize)
    }
    hal.write32(address(R.Mw0TranslationLow.offset, R.Mw1TranslationLow.offset, window), UInt32(truncatingIfNeeded: peerAddress))
    hal.write32(address(R.Mw0TranslationHigh.offset, R.Mw1TranslationHigh.offset, window), UInt32(truncatingIfNeeded: peerAddress >> 32))
    var control = R.Mw0Control()
    control.valid = true
    control.sizeLog2 = UInt32(size.trailingZeroBitCount)
    hal.write32(address(R.Mw0Control.offset, R.Mw1Control.offset, window), control.rawValue)
  }

  /// `ntb_mw_clear_trans`: the window stops translating; requests into it are refused.
  public func clearTranslation(window: Int) throws(NTBError) {
    try checkWindow(window)
    let at = address(R.Mw0Control.offset, R.Mw1Control.offset, window)
    var control = R.Mw0Control(rawValue: hal.read32(at))
    control.valid = false
    hal.write32(at, control.rawValue)
  }

  /// `ntb_peer_mw_get_addr`: the local address range that reaches the peer through `window`.
  public func windowAddress(_ window: Int) throws(NTBError) -> (base: UInt64, size: UInt64) {
    try checkWindow(window)
    let a = R.Mw0Alignment(rawValue: hal.read32(address(R.Mw0Alignment.offset, R.Mw1Alignment.offset, window)))
    let size = UInt64(1) << UInt64(a.sizeMaxLog2)
    return ((windowsAddress ?? apertureBase) + UInt64(window) * size, size)
  }

  // MARK: Doorbells (ntb_db_valid_mask, ntb_db_read, ntb_db_clear, ntb_db_set_mask, ...)

  var doorbellWords: Int { (doorbellCount + 31) / 32 }

  public var doorbellValidMask: UInt64 { doorbellCount >= 64 ? .max : (1 << UInt64(doorbellCount)) - 1 }

  func checkDoorbells(_ bits: UInt64) throws(NTBError) {
    guard bits & ~doorbellValidMask == 0 else { throw .doorbellsInvalid(bits: bits, validMask: doorbellValidMask) }
  }

  func readWords(_ first: UInt64, _ second: UInt64) -> UInt64 {
    var value: UInt64 = 0
    for w in 0..<doorbellWords { value |= UInt64(hal.read32(address(first, second, w))) << UInt64(32 * w) }
    return value
  }

  func writeWords(_ first: UInt64, _ second: UInt64, _ bits: UInt64, skipZero: Bool) {
    for w in 0..<doorbellWords {
      let word = UInt32(truncatingIfNeeded: bits >> UInt64(32 * w))
      if !(skipZero && word == 0) { hal.write32(address(first, second, w), word) }
    }
  }

  /// `ntb_db_read`: doorbells the peer rang and nobody cleared.
  public func readDoorbells() -> UInt64 { readWords(R.DoorbellStatus0.offset, R.DoorbellStatus1.offset) }

  /// `ntb_db_clear`.
  public func clearDoorbells(_ bits: UInt64) throws(NTBError) {
    try checkDoorbells(bits)
    writeWords(R.DoorbellStatus0.offset, R.DoorbellStatus1.offset, bits, skipZero: true)
  }

  /// `ntb_db_read_mask`: masked doorbells still set their status, but raise no interrupt.
  public func doorbellMask() -> UInt64 { readWords(R.DoorbellMask0.offset, R.DoorbellMask1.offset) }

  /// `ntb_db_set_mask`.
  public func maskDoorbells(_ bits: UInt64) throws(NTBError) {
    try checkDoorbells(bits)
    writeWords(R.DoorbellMask0.offset, R.DoorbellMask1.offset, doorbellMask() | bits, skipZero: false)
  }

  /// `ntb_db_clear_mask`.
  public func unmaskDoorbells(_ bits: UInt64) throws(NTBError) {
    try checkDoorbells(bits)
    writeWords(R.DoorbellMask0.offset, R.DoorbellMask1.offset, doorbellMask() & ~bits, skipZero: false)
  }

  /// `ntb_peer_db_set`: rings `bits` on the peer. Needs the link: a doorbell rung while it is
  /// down would be dropped (`EVENT_STATUS.PEER_OP_DROPPED`).
  public func ringPeer(_ bits: UInt64) throws(NTBError) {
    try checkDoorbells(bits)
    guard isLinkUp else { throw .linkDown }
    writeWords(R.PeerDoorbellSet0.offset, R.PeerDoorbellSet1.offset, bits, skipZero: true)
  }

  /// `ntb_db_vector_mask`: the doorbells that raise `vector`.
  public func vectorMask(_ vector: Int) throws(NTBError) -> UInt64 {
    guard (0..<vectorCount).contains(vector) else { throw .vectorOutOfRange(vector: vector, count: vectorCount) }
    var mask: UInt64 = 0
    for r in 0..<((doorbellCount + 15) / 16) {
      let word = hal.read32(address(R.DoorbellVectors0.offset, R.DoorbellVectors1.offset, r))
      for k in 0..<min(16, doorbellCount - 16 * r) where Int(word >> UInt32(2 * k) & 3) == vector {
        mask |= 1 << UInt64(16 * r + k)
      }
    }
    return mask
  }

  /// Routes each doorbell in `bits` to `vector` (all doorbells start on vector 0).
  public func routeDoorbells(_ bits: UInt64, to vector: Int) throws(NTBError) {
    try checkDoorbells(bits)
    guard (0..<vectorCount).contains(vector) else { throw .vectorOutOfRange(vector: vector, count: vectorCount) }
    for r in 0..<((doorbellCount + 15) / 16) where (bits >> UInt64(16 * r)) & 0xFFFF != 0 {
      let at = address(R.DoorbellVectors0.offset, R.DoorbellVectors1.offset, r)
      var word = hal.read32(at)
      for k in 0..<16 where bits >> UInt64(16 * r + k) & 1 == 1 {
        word = (word & ~(3 << UInt32(2 * k))) | UInt32(vector) << UInt32(2 * k)
      }
      hal.write32(at, word)
    }
  }

  // MARK: Scratchpads (ntb_spad_count, ntb_spad_read/write, ntb_peer_spad_read/write)

  func checkScratchpad(_ index: Int) throws(NTBError) {
    guard (0..<scratchpadCount).contains(index) else { throw .scratchpadOutOfRange(index: index, count: scratchpadCount) }
  }

  /// This side's scratchpad `index`: what the peer last wrote there (or we did).
  public func readScratchpad(_ index: Int) throws(NTBError) -> UInt32 {
    try checkScratchpad(index)
    return hal.read32(address(R.Scratchpad0.offset, R.Scratchpad1.offset, index))
  }

  public func writeScratchpad(_ index: Int, _ value: UInt32) throws(NTBError) {
    try checkScratchpad(index)
    hal.write32(address(R.Scratchpad0.offset, R.Scratchpad1.offset, index), value)
  }

  /// Writes the peer's scratchpad `index`; needs the link (a write while down is dropped).
  public func writePeerScratchpad(_ index: Int, _ value: UInt32) throws(NTBError) {
    try checkScratchpad(index)
    guard isLinkUp else { throw .linkDown }
    hal.write32(address(R.PeerScratchpad0.offset, R.PeerScratchpad1.offset, index), value)
  }

  /// `ntb_peer_spad_read`: the peer's scratchpad `index` as it is now, read across the link
  /// (the read waits a round trip; it sees every write of ours to the peer made before it, and
  /// whatever the peer wrote there itself). Needs the link; a link that goes down while the read
  /// waits ends it with all ones, reported here as `linkDown`.
  public func readPeerScratchpad(_ index: Int) throws(NTBError) -> UInt32 {
    try checkScratchpad(index)
    guard isLinkUp else { throw .linkDown }
    let value = hal.read32(address(R.PeerScratchpad0.offset, R.PeerScratchpad1.offset, index))
    guard value != 0xFFFF_FFFF || isLinkUp else { throw .linkDown }
    return value
  }

  // MARK: Messages (ntb_msg_count, ntb_msg_read_sts, ntb_msg_clear_sts, ntb_msg_read, ntb_peer_msg_write)

  func checkMessage(_ index: Int) throws(NTBError) {
    guard (0..<messageCount).contains(index) else { throw .messageOutOfRange(index: index, count: messageCount) }
  }

  public func messageStatus() -> NTBMessageStatus {
    let s = regs.readMessageStatus()
    return NTBMessageStatus(inbound: s.rawValue & 0xF, outboundFull: s.outFull, refused: s.rawValue >> 16 & 0xF)
  }

  /// Sends `value` in message register `index`. Refused, and not sent, while the peer holds
  /// the previous one (`messageBusy`) or when the link is down (`messageRefused`).
  public func sendMessage(_ index: Int, _ value: UInt32) throws(NTBError) {
    try checkMessage(index)
    let before = messageStatus()
    guard before.outboundFull >> UInt32(index) & 1 == 0 else { throw .messageBusy(index: index) }
    hal.write32(address(R.OutboundMessage0.offset, R.OutboundMessage1.offset, index), value)
    if messageStatus().refused >> UInt32(index) & 1 == 1 {
      hal.write32(base + R.MessageStatus.offset, 1 << UInt32(16 + index))
      throw .messageRefused(index: index)
    }
  }

  /// The message waiting in register `index`, or nil; it stays until `releaseMessage`.
  public func readMessage(_ index: Int) throws(NTBError) -> UInt32? {
    try checkMessage(index)
    guard messageStatus().inbound >> UInt32(index) & 1 == 1 else { return nil }
    return hal.read32(address(R.InboundMessage0.offset, R.InboundMessage1.offset, index))
  }

  /// Releases inbound message `index`: the peer may send the next one in that register.
  public func releaseMessage(_ index: Int) throws(NTBError) {
    try checkMessage(index)
    hal.write32(base + R.MessageStatus.offset, 1 << UInt32(index))
  }
}
