import Cores

/// A map that exercises every access type and hook, with fields crossing byte lanes and gaps.
func everyAccessMap() throws -> RegisterMap {
  try RegisterMap(name: "every_access", baseAddress: 0x4000, description: "Every access type once.", registers: [
    Register("CONFIG", offset: 0x0, description: "Read-write fields, one crossing bytes 1 and 2.", fields: [
      Field("MODE", bits: 0...2, access: .readWrite, reset: 5, description: "Operating mode.", hardware: [.output, .writePulse],
            values: [FieldValue("OFF", 0, "Stopped."), FieldValue("SLOW", 1, "Quarter rate."), FieldValue("FAST", 5, "Full \"turbo\" rate.")]),
      Field("THRESHOLD", bits: 12...19, access: .readWrite, reset: 0xA5, description: "Crosses a byte lane.", hardware: [.output]),
      Field("LIMIT", bits: 24...31, access: .readWrite, reset: 0x80, description: "Top byte; hardware may set or clear it.",
            hardware: [.set, .clear, .output]),
    ]),
    Register("IDENT", offset: 0x4, description: "Constant and hardware-supplied read-only fields.", fields: [
      Field("REVISION", bits: 0...7, access: .readOnly, reset: 0x2C, description: "A constant."),
      Field("DEPTH", bits: 8...23, access: .readOnly, description: "From hardware.", hardware: [.input, .readPulse]),
    ]),
    Register("STATUS", offset: 0xC, description: "Write-one-to-clear flags set by hardware.", fields: [
      Field("DONE", bit: 0, access: .writeOneToClear, description: "A job finished.", hardware: [.set, .output]),
      Field("FAULTS", bits: 8...11, access: .writeOneToClear, reset: 0x3, description: "Fault flags.", hardware: [.set, .writePulse]),
    ]),
    Register("REQUEST", offset: 0x10, description: "Write-one-to-set requests cleared by hardware.", fields: [
      Field("GO", bits: 0...1, access: .writeOneToSet, description: "Start requests.", hardware: [.clear, .output]),
      Field("LOCK", bit: 31, access: .writeOneToSet, description: "Sticky until reset.", hardware: [.output],
            values: [FieldValue("UNLOCKED", 0, "Changes allowed."), FieldValue("LOCKED", 1, "Changes refused until reset.")]),
    ]),
    Register("EVENTS", offset: 0x18, description: "Read-to-clear event flags.", fields: [
      Field("OVERFLOW", bits: 4...5, access: .readToClear, reset: 1, description: "Overflow seen.", hardware: [.set, .readPulse]),
    ]),
    Register("MAILBOX", offset: 0x1C, description: "Values hardware loads: one software may also write, one it only reads.", fields: [
      Field("WORD", bits: 0...15, access: .readWrite, reset: 0x1234, description: "Loaded by hardware or written by software.",
            hardware: [.load, .output]),
      Field("SENDER", bits: 20...27, access: .readOnly, reset: 0x5A, description: "Loaded by hardware; hardware may also clear it.",
            hardware: [.load, .clear]),
    ]),
  ])
}
