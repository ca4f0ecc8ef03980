import HDL
import PCIe

/// Offset of the first enabled byte within a DW: the trailing zeros of a 4-bit byte-enable
/// field (0 for 0000b).
private func firstEnabledOffset(_ be: Signal) -> Signal {
  priority([(be[0], .constant(0, width: 2)), (be[1], .constant(1, width: 2)), (be[2], .constant(2, width: 2)),
            (be[3], .constant(3, width: 2))], otherwise: .constant(0, width: 2))
}

/// Disabled bytes after the last enabled byte of a DW: the leading zeros of a 4-bit field.
private func lastDisabledCount(_ be: Signal) -> Signal {
  priority([(be[3], .constant(0, width: 2)), (be[2], .constant(1, width: 2)), (be[1], .constant(2, width: 2)),
            (be[0], .constant(3, width: 2))], otherwise: .constant(0, width: 2))
}

/// The bytes a memory request's Length and byte enables cover, as the Byte Count of its first
/// completion carries them (PCIe Base Specification 6.3, Table 2-40), 12 bits with 4096 as 0.
public func requestedByteCount(_ request: TLPHeaderFields) -> Signal {
  let first = request.firstByteEnables, last = request.lastByteEnables
  // One DW: from the first to the last enabled byte; no byte enabled counts 1.
  let oneDW = mux(first == 0, Signal.constant(1, width: 12),
                  (lastEnabledIndex(first) - firstEnabledOffset(first).zeroExtended(to: 3) + 1).zeroExtended(to: 12))
  // Length × 4 modulo 4096: 1024 DWs give 0, which is how Byte Count encodes 4096.
  let whole = concat(request.length[0..<10], Signal.zero(width: 2))
  // Beyond one DW both fields must enable a byte (§2.2.5.1); a field that does not skips its
  // whole DW, as `PCIe.TLP.enabledByteCount` counts it.
  let skipFirst = mux(first == 0, Signal.constant(4, width: 12), firstEnabledOffset(first).zeroExtended(to: 12))
  let skipLast = mux(last == 0, Signal.constant(4, width: 12), lastDisabledCount(last).zeroExtended(to: 12))
  let several = whole - skipFirst - skipLast
  return mux(request.length == 1, oneDW, several)
}

/// 3 - leading zeros: the index of the highest enabled byte of a non-zero field, 3 bits.
private func lastEnabledIndex(_ be: Signal) -> Signal {
  Signal.constant(3, width: 3) - lastDisabledCount(be).zeroExtended(to: 3)
}

/// Lower Address of a memory read's first completion: address bits 6:2 and the first enabled
/// byte (PCIe Base Specification 6.3, Table 2-41).
public func completionLowerAddress(_ request: TLPHeaderFields) -> Signal {
  // Address bits 6:2 sit in the last header DW: DW3 of a 4DW header, DW2 of a 3DW one.
  let bits6to2 = mux(request.fourDW, request.raw[2..<7], request.raw[34..<39])
  return concat(bits6to2, firstEnabledOffset(request.firstByteEnables))
}

/// The Unsupported Request completion (Cpl, status UR) that answers the non-posted `request`:
/// Byte Count and Lower Address as a successful completion would carry them for memory reads
/// (§2.3.1.1), 4 and 0 for I/O and configuration requests (§2.2.9.1).
public func unsupportedRequestCompletionHeader(_ request: TLPHeaderFields, completer: Signal) -> Signal {
  let memory = request.isMemoryRead
  return completionHeader(
    answering: request, completer: completer,
    status: .constant(Int(CompletionStatus.unsupportedRequest.rawValue), width: 3),
    byteCount: mux(memory, requestedByteCount(request), Signal.constant(4, width: 12)),
    lowerAddress: mux(memory, completionLowerAddress(request), Signal.zero(width: 7)),
    locked: request.isLockedRead)
}
