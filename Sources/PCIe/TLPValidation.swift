extension TLP {
  /// Every rule of PCIe Base Specification 6.3 (Non-Flit Mode) this TLP breaks, in header
  /// order; empty for a well-formed TLP. Each names the field and what would fix it.
  public func validationProblems() -> [TLPError] {
    var problems: [TLPError] = []
    func refuse(_ field: String, _ problem: String) { problems.append(TLPError(field: field, problem)) }

    if trafficClass > 7 { refuse("TC", "\(trafficClass) does not fit in 3 bits; use 0...7") }
    if tag > 0x3FF { refuse("Tag", "\(tag) does not fit in 10 bits; use 0...1023") }
    if addressType > 3 { refuse("AT", "\(addressType) does not fit in 2 bits; use 0...3") }

    let carriesLength = kind.hasData || kind.isRequest
    if carriesLength && !(1...1024).contains(length) {
      refuse("Length", "\(length) DWs is out of range; a \(kind) carries 1...1024 DWs (§2.2.2)")
    } else if !carriesLength && length != 0 {
      refuse("Length", "is reserved for a \(kind) and must be 0, not \(length)")
    }
    let expectedPayload = kind.hasData ? length * 4 : 0
    if payload.count != expectedPayload {
      refuse("Length", kind.hasData
        ? "says \(length) DWs (\(expectedPayload) bytes) but the payload has \(payload.count) bytes; a TLP carries exactly Length DWs (§2.2.2)"
        : "a \(kind) carries no data, but the payload has \(payload.count) bytes")
    }
    if kind.isRequest { checkByteEnables(refuse) }
    if kind.isMemoryRequest { checkMemoryAddress(refuse) }
    if kind.isIORequest || kind.isConfigRequest {
      if length != 1 { refuse("Length", "a \(kind) moves exactly 1 DW; set Length to 1, not \(length) (§2.2.7)") }
    }
    if kind.isIORequest && address > UInt32.max {
      refuse("Address", "I/O requests use the 32-bit format; 0x\(hex(address, digits: 16)) is above 4 GB (§2.2.4.1)")
    }
    if kind.isConfigRequest && !(0...1023).contains(registerNumber) {
      refuse("Register Number", "\(registerNumber) is outside the 4 KiB configuration space; use 0...1023 (DW index)")
    }
    if kind.isCompletion { checkCompletion(refuse) }
    return problems
  }

  /// Throws the first problem `validationProblems()` finds.
  public func validate() throws(TLPError) {
    if let first = validationProblems().first { throw first }
  }

  private func checkByteEnables(_ refuse: (String, String) -> Void) {
    if firstByteEnables > 0xF { refuse("First DW BE", "\(firstByteEnables) does not fit in 4 bits") }
    if lastByteEnables > 0xF { refuse("Last DW BE", "\(lastByteEnables) does not fit in 4 bits") }
    if length == 1 && lastByteEnables != 0 {
      refuse("Last DW BE", "must be 0000b when Length is 1 DW, not \(binary(lastByteEnables, digits: 4))b (§2.2.5.1)")
    }
    if length > 1 && firstByteEnables == 0 { refuse("First DW BE", "must not be 0000b when Length is \(length) DWs (§2.2.5.1)") }
    if length > 1 && lastByteEnables == 0 { refuse("Last DW BE", "must not be 0000b when Length is \(length) DWs (§2.2.5.1)") }
    // Gaps are allowed only inside one DW, or in a QW-aligned 2-DW memory request (§2.2.5.1).
    let quadwordAligned = address & 7 == 0
    if kind.isMemoryRequest && (length >= 3 || (length == 2 && !quadwordAligned)) {
      let first = firstByteEnables & 0xF, last = lastByteEnables & 0xF
      if first != 0 && first | (first - 1) != 0xF {  // enabled bytes must run up to byte 3
        refuse("First DW BE", "\(binary(first, digits: 4))b leaves a gap before the following DWs; enable contiguous bytes up to byte 3 (§2.2.5.1)")
      }
      if last != 0 && last & (last + 1) != 0 {  // enabled bytes must start at byte 0
        refuse("Last DW BE", "\(binary(last, digits: 4))b leaves a gap after the preceding DWs; enable contiguous bytes from byte 0 (§2.2.5.1)")
      }
    }
  }

  private func checkMemoryAddress(_ refuse: (String, String) -> Void) {
    if address & 3 != 0 {
      refuse("Address", "0x\(hex(address, digits: 8)) is not DW-aligned; bits 1:0 are not carried, select bytes with First DW BE")
    }
    if !uses64BitAddress && address > UInt32.max {
      refuse("Fmt", "address 0x\(hex(address, digits: 16)) is above 4 GB and needs the 64-bit (4DW) format")
    }
    if uses64BitAddress && address <= UInt32.max {
      refuse("Fmt", "address 0x\(hex(address, digits: 8)) is below 4 GB and must use the 32-bit (3DW) format (§2.2.4.1)")
    }
    let offsetInPage = Int(address & 0xFFF)
    if (1...1024).contains(length) && offsetInPage + length * 4 > 4096 {
      refuse("Length", "\(length) DWs from 0x\(hex(address, digits: 8)) cross a 4 KiB boundary; split the request at 0x\(hex((address | 0xFFF) + 1, digits: 8)) (§2.2.7)")
    }
  }

  private func checkCompletion(_ refuse: (String, String) -> Void) {
    if !(1...4096).contains(byteCount) { refuse("Byte Count", "\(byteCount) is out of range; use 1...4096 (§2.2.9.1)") }
    if lowerAddress > 0x7F { refuse("Lower Address", "\(lowerAddress) does not fit in 7 bits") }
    if byteCountModified { refuse("BCM", "PCI Express completers never set Byte Count Modified (§2.2.9.1)") }
    if kind.hasData && status != .successful {
      refuse("Completion Status", "a completion with status \(status) carries no data; use Cpl, not CplD (§2.3.1.1)")
    }
    if kind.hasData && length * 4 > byteCount + Int(lowerAddress & 3) + 3 {
      refuse("Length", "\(length) DWs exceed the \(byteCount) bytes left to complete from Lower Address \(lowerAddress) (§2.3.1.1)")
    }
  }
}
