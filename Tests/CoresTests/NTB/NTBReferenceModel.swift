import Cores
import PCIe

/// How one NTB function is programmed, as a driver would write it (see `NTBPairHarness.configure`).
struct NTBSettings {
  struct Window { var valid: Bool; var lookup: Bool; var sizeLog2: Int; var translation: UInt64 }
  struct LUTEntry { var valid: Bool; var peer: Int; var translation: UInt64 }
  struct Requester { var valid: Bool; var id: UInt16 }

  var localBus: UInt8
  var apertureBase: UInt64
  var windows: [Window]
  var lut: [LUTEntry]
  var requesters: [Requester]
}

/// The translation an NTB function performs, written from the register descriptions in
/// docs/switch.md ("The NTB function") in plain integer Swift, independently of the RTL:
/// windows at APERTURE_BASE + w × window size, 2^SIZE_LOG2 bytes translated from each
/// window's start, translation + offset (or, in LUT mode, the entry's translation + offset in
/// the entry), proxy Requester ID = bus : entry index of the first valid requester-ID entry.
struct NTBReferenceModel {
  let layout: NTBLayout

  /// Where a request entering a side's local port goes.
  enum Outcome: Equatable {
    /// It reaches the peer's local port as this TLP.
    case delivered(TLP)
    /// Refused: this Unsupported Request completion comes back on the local port.
    case unsupported(TLP)
    /// Refused without an answer (posted).
    case dropped
  }

  /// `request` entering `sender`'s local side, with the link `up`, leaving `receiver`'s local side.
  func outbound(_ request: TLP, sender: NTBSettings, receiver: NTBSettings, up: Bool) -> Outcome {
    guard let crossing = translate(request, sender, up: up) else {
      if request.kind.isRequest && request.kind != .memoryWrite {  // non-posted (§2.4.1)
        return .unsupported(TLP.completion(answering: request, completer: PCIeID(rawValue: UInt16(sender.localBus) << 8),
                                           status: .unsupportedRequest))
      }
      return .dropped
    }
    var delivered = crossing
    delivered.requester = PCIeID(rawValue: UInt16(receiver.localBus) << 8 | crossing.requester.rawValue & 0xFF)
    return .delivered(delivered)
  }

  /// A completion for a proxy ID entering `completerSide`'s local port, as it leaves the
  /// requester's side, or nil when it is dropped.
  func completionBack(_ completion: TLP, completerSide: NTBSettings, requesterSide: NTBSettings, up: Bool) -> TLP? {
    guard up, completion.requester.bus == completerSide.localBus else { return nil }
    let index = Int(completion.requester.rawValue & 0xFF)
    guard index < requesterSide.requesters.count, requesterSide.requesters[index].valid else { return nil }
    var back = completion
    back.requester = PCIeID(rawValue: requesterSide.requesters[index].id)
    return back
  }

  /// The request as it crosses the link, or nil when refused.
  private func translate(_ request: TLP, _ s: NTBSettings, up: Bool) -> TLP? {
    guard up, request.kind == .memoryRead || request.kind == .memoryWrite else { return nil }
    let address = request.address
    guard address >= s.apertureBase else { return nil }
    let offset = address - s.apertureBase
    let windowSize = UInt64(layout.windowSize)
    guard offset < UInt64(layout.memoryWindows) * windowSize else { return nil }
    let window = s.windows[Int(offset / windowSize)]
    let inWindow = offset % windowSize
    let lastByte = inWindow + UInt64(request.length) * 4 - 1
    guard window.valid, lastByte < 1 << UInt64(window.sizeLog2), lastByte < windowSize else { return nil }
    var translated = window.translation + inWindow
    if window.lookup {
      let entrySize = UInt64(layout.lutEntrySize)
      let index = Int(inWindow / entrySize)
      let entry = s.lut[index]
      guard Int(lastByte / entrySize) == index, entry.valid, entry.peer == 0 else { return nil }
      translated = entry.translation + inWindow % entrySize
    }
    guard let proxy = s.requesters.firstIndex(where: { $0.valid && $0.id == request.requester.rawValue }) else { return nil }
    var out = request
    out.address = translated
    out.uses64BitAddress = translated > UInt64(UInt32.max)
    out.requester = PCIeID(rawValue: UInt16(s.localBus) << 8 | UInt16(proxy))
    return out
  }
}
