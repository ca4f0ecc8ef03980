import HDL

/// The translation state of one NTB function, as signals from its register block.
struct NTBTranslationState {
  var up: Signal
  var localBus: Signal
  /// 64-bit byte address of window 0.
  var apertureBase: Signal
  var windowValid: [Signal]
  var windowLUT: [Signal]
  var windowSizeLog2: [Signal]
  /// 64-bit translated addresses (4 KiB aligned).
  var windowTranslation: [Signal]
  var lutValid: [Signal]
  var lutPeer: [Signal]
  var lutTranslation: [Signal]
  var requesterValid: [Signal]
  var requesterID: [Signal]
}

/// What happens to a TLP arriving on the local side, decided on its first beat: a memory
/// request that hits a valid translation from a requester in the table goes to the peer with
/// its address translated and its Requester ID replaced by the proxy ID (`LOCAL_BUS`, entry
/// index); a completion for a proxy ID (Requester bus = `LOCAL_BUS`) goes to the peer unchanged;
/// nothing crosses while the link is down.
struct NTBOutboundDecision {
  let toPeer: Signal
  /// The header it leaves with.
  let peerHeader: Signal
  /// A memory request that was refused (for `REQUEST_REFUSED`).
  let refused: Signal

  init(_ request: TLPHeaderFields, layout: NTBLayout, state s: NTBTranslationState) {
    let wsLog2 = layout.windowSizeLog2
    let offset = request.address - s.apertureBase
    let inAperture = request.address >= s.apertureBase && offset < layout.apertureSize
    let windowIndex = layout.memoryWindows > 1 ? offset[wsLog2..<(wsLog2 + bitsToIndex(layout.memoryWindows))] : Signal.zero(width: 1)
    func window(_ values: [Signal]) -> Signal { values.count == 1 ? values[0] : select(windowIndex, values) }
    let inWindow = offset[0..<wsLog2]
    // The last byte of the DWs the request covers, relative to the window.
    let span = max(wsLog2, 13) + 1
    let lastByte = inWindow.zeroExtended(to: span) + concat(request.length, Signal.zero(width: 2)).zeroExtended(to: span) - 1
    let fits = (lastByte >> window(s.windowSizeLog2)) == 0 && (lastByte >> wsLog2) == 0

    var translated = window(s.windowTranslation) + inWindow.zeroExtended(to: 64)
    var lutAllows: Signal = .high
    if layout.lutEntries > 0 {
      let entryLog2 = layout.lutEntrySize.trailingZeroBitCount
      let entry = inWindow[entryLog2..<wsLog2]
      let sameEntry = lastByte[entryLog2..<wsLog2] == entry && (lastByte >> wsLog2) == 0
      let entryOK = select(entry, s.lutValid) && select(entry, s.lutPeer) == 0 && sameEntry
      let lutAddress = select(entry, s.lutTranslation) + inWindow[0..<entryLog2].zeroExtended(to: 64)
      let lut = window(s.windowLUT)
      translated = mux(lut, lutAddress, translated)
      lutAllows = !lut || entryOK
    }

    let matches = zip(s.requesterValid, s.requesterID).map { valid, id in valid && id == request.requester }
    let proxyIndex = priority(matches.enumerated().map { ($0.element, Signal.constant($0.offset, width: 8)) }, otherwise: .zero(width: 8))
    let known = concat(matches).reduceOr()

    let memory = request.isMemoryRequest && !request.isLockedRead
    let requestOK = s.up && memory && inAperture && window(s.windowValid) && fits && lutAllows && known
    let completionOK = s.up && request.isCompletion && request.requester[8..<16] == s.localBus
    toPeer = requestOK || completionOK
    refused = request.isMemoryRequest && !requestOK

    // The new header: 3DW below 4 GiB, 4DW above (§2.2.4.1); hints (address bits 1:0) kept.
    let hints = mux(request.fourDW, request.raw[0..<2], request.raw[32..<34])
    let wide = translated[32..<64] != 0
    let address = concat(translated[2..<32], hints)
    let raw = request.raw
    let requestHeader = concat(raw[126..<128], wide, raw[96..<125],
                               s.localBus, proxyIndex, raw[64..<80],
                               mux(wide, translated[32..<64], address), mux(wide, address, Signal.zero(width: 32)))
    peerHeader = mux(request.isCompletion, raw, requestHeader)
  }
}
