import HDL
import PCIe
import Simulation

/// The pins of a TLP stream into a model (`<prefix>_{valid,header,data,strobe,start,end}` in,
/// `<prefix>_ready` out), beats laid out as Sources/Cores/PCIe/TLPStream.swift says: header DW0
/// in bits 127:96, payload DW `i` of a beat in lane `i`.
struct TLPStreamInPins {
  let valid: InputPort, header: InputPort, data: InputPort, strobe: InputPort, start: InputPort, end: InputPort
  let ready: OutputPort
  let lanes: Int

  init(_ model: Model, prefix: String, lanes: Int) throws {
    valid = try model.input("\(prefix)_valid"); header = try model.input("\(prefix)_header"); data = try model.input("\(prefix)_data")
    strobe = try model.input("\(prefix)_strobe"); start = try model.input("\(prefix)_start"); end = try model.input("\(prefix)_end")
    ready = try model.output("\(prefix)_ready")
    self.lanes = lanes
  }

  /// Offers `beat`, or nothing when nil.
  func offer(_ beat: TLPStreamBeat?) throws {
    guard let beat else { valid.set(false); return }
    valid.set(true)
    try header.set(BitVector(width: 128, words: [UInt64(beat.header[3]) | UInt64(beat.header[2]) << 32,
                                                 UInt64(beat.header[1]) | UInt64(beat.header[0]) << 32]))
    try data.set(BitVector(width: 32 * lanes, words: stride(from: 0, to: lanes, by: 2).map { i in
      UInt64(beat.lanes[i]) | (i + 1 < lanes ? UInt64(beat.lanes[i + 1]) << 32 : 0)
    }))
    try strobe.set(beat.strobe)
    start.set(beat.start)
    end.set(beat.end)
  }
}

/// The pins of a TLP stream out of a model; `ready` is the caller's to drive.
struct TLPStreamOutPins {
  let valid: OutputPort, header: OutputPort, data: OutputPort, strobe: OutputPort, start: OutputPort, end: OutputPort
  let ready: InputPort
  let lanes: Int

  init(_ model: Model, prefix: String, lanes: Int) throws {
    valid = try model.output("\(prefix)_valid"); header = try model.output("\(prefix)_header"); data = try model.output("\(prefix)_data")
    strobe = try model.output("\(prefix)_strobe"); start = try model.output("\(prefix)_start"); end = try model.output("\(prefix)_end")
    ready = try model.input("\(prefix)_ready")
    self.lanes = lanes
  }

  /// The beat shown now (settled), when `valid`.
  var beat: TLPStreamBeat? {
    guard valid.bool else { return nil }
    let h = header.value.words, d = data.value.words
    return TLPStreamBeat(
      header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]), UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
      lanes: (0..<lanes).map { UInt32(truncatingIfNeeded: d[$0 / 2] >> (32 * UInt64($0 % 2))) },
      strobe: strobe.uint64, start: start.bool, end: end.bool)
  }
}
