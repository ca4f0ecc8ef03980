import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// `tlpWidthNarrower` (256 → 64 bits) and `tlpWidthWidener` (64 → 256 bits) side by side on one
/// model, fed random TLPs with random gaps and random backpressure. The reference is the PCIe
/// target's own framing, `TLP.streamBeats(lanes:)`: what leaves each converter must be, beat for
/// beat, the TLP framed at the other width (payload lanes under the strobe, header on the start beat).
final class TLPWidthConverterTests: SimulationTestCase {
  static func top() -> Module {
    Module("tlp_width_pair") { m in
      let narrower = m.instance(tlpWidthNarrower(from: 256, to: 64), name: "narrower")
      let widener = m.instance(tlpWidthWidener(from: 64, to: 256), name: "widener")
      connect(m.port("wide_in", TLPStream(dataWidth: 256).flipped), to: narrower.interface("in", as: TLPStream.self))
      connect(narrower.interface("out", as: TLPStream.self), to: m.port("narrow_out", TLPStream(dataWidth: 64)))
      connect(m.port("narrow_in", TLPStream(dataWidth: 64).flipped), to: widener.interface("in", as: TLPStream.self))
      connect(widener.interface("out", as: TLPStream.self), to: m.port("wide_out", TLPStream(dataWidth: 256)))
    }
  }

  /// Drives beats into `<name>_*` with random gaps.
  final class BeatSource {
    let valid, header, data, strobe, start, end: InputPort
    let ready: OutputPort
    let lanes: Int
    var queue: [TLPStreamBeat] = []
    var offering = false
    init(_ model: Model, _ name: String, lanes: Int) throws {
      valid = try model.input("\(name)_valid"); header = try model.input("\(name)_header"); data = try model.input("\(name)_data")
      strobe = try model.input("\(name)_strobe"); start = try model.input("\(name)_start"); end = try model.input("\(name)_end")
      ready = try model.output("\(name)_ready")
      self.lanes = lanes
    }
    func drive(_ random: inout SimulationRandom) throws {
      // Once offered, a beat stays offered until taken (the stream's rule).
      if !offering { offering = !queue.isEmpty && random.chance(0.7) }
      valid.set(offering)
      guard offering, let beat = queue.first else { return }
      let h = beat.header.map(UInt64.init)
      try header.set(BitVector(width: 128, words: [h[2] << 32 | h[3], h[0] << 32 | h[1]]))
      try data.set(BitVector(width: 32 * lanes, words: stride(from: 0, to: lanes, by: 2).map { UInt64(beat.lanes[$0]) | UInt64(beat.lanes[$0 + 1]) << 32 }))
      try strobe.set(beat.strobe)
      start.set(beat.start)
      end.set(beat.end)
    }
    func observe() { if offering && ready.bool { queue.removeFirst(); offering = false } }
  }

  /// Takes beats from `<name>_*`, ready at random.
  final class BeatSink {
    let valid, header, data, strobe, start, end: OutputPort
    let ready: InputPort
    let lanes: Int
    var accepting = false
    var beats: [TLPStreamBeat] = []
    init(_ model: Model, _ name: String, lanes: Int) throws {
      valid = try model.output("\(name)_valid"); header = try model.output("\(name)_header"); data = try model.output("\(name)_data")
      strobe = try model.output("\(name)_strobe"); start = try model.output("\(name)_start"); end = try model.output("\(name)_end")
      ready = try model.input("\(name)_ready")
      self.lanes = lanes
    }
    func drive(_ random: inout SimulationRandom) { accepting = random.chance(0.6); ready.set(accepting) }
    func observe() {
      guard valid.bool && accepting else { return }
      let h = header.value.words, d = data.value.words, s = strobe.uint64
      // Lanes outside the strobe and the header after the start beat carry anything: keep only what counts.
      beats.append(TLPStreamBeat(
        header: start.bool ? [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
                              UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])] : [],
        lanes: (0..<lanes).map { s >> UInt64($0) & 1 == 1 ? UInt32(truncatingIfNeeded: d[$0 / 2] >> (32 * UInt64($0 % 2))) : 0 },
        strobe: s, start: start.bool, end: end.bool))
    }
  }

  /// `beats` with the header kept on start beats only, as `BeatSink` records them.
  static func comparable(_ beats: [TLPStreamBeat]) -> [TLPStreamBeat] {
    beats.map { var b = $0; if !b.start { b.header = [] }; return b }
  }

  func testEachConverterFramesEveryTLPAsTheStreamDefinesItAtItsOtherWidth() throws {
    let model = try self.model(try Design(top: Self.top()))
    watch("wide in", "wide_in")
    watch("narrow out", "narrow_out")
    var random = self.random("traffic")
    let wideIn = try BeatSource(model, "wide_in", lanes: 8), narrowIn = try BeatSource(model, "narrow_in", lanes: 2)
    let narrowOut = try BeatSink(model, "narrow_out", lanes: 2), wideOut = try BeatSink(model, "wide_out", lanes: 8)
    var expectNarrow: [TLPStreamBeat] = [], expectWide: [TLPStreamBeat] = []
    for _ in 0..<300 {
      var tlp = TLP.random(using: &random)
      tlp.digest = nil
      wideIn.queue += tlp.streamBeats(lanes: 8)
      narrowIn.queue += tlp.streamBeats(lanes: 2)
      expectNarrow += tlp.streamBeats(lanes: 2)
      expectWide += tlp.streamBeats(lanes: 8)
    }
    model.reset()
    var cycles = 0
    while (!wideIn.queue.isEmpty || !narrowIn.queue.isEmpty) && cycles < 200_000 {
      try wideIn.drive(&random)
      try narrowIn.drive(&random)
      narrowOut.drive(&random)
      wideOut.drive(&random)
      model.settle()
      wideIn.observe(); narrowIn.observe(); narrowOut.observe(); wideOut.observe()
      model.step()
      cycles += 1
    }
    XCTAssertEqual(narrowOut.beats.count, expectNarrow.count, "narrow beats: as many as the 64-bit framing has")
    XCTAssertEqual(wideOut.beats.count, expectWide.count, "wide beats: as many as the 256-bit framing has")
    for (i, (got, want)) in zip(narrowOut.beats, Self.comparable(expectNarrow)).enumerated() where got != want {
      XCTFail("narrow beat \(i): \(got) instead of \(want)"); break
    }
    for (i, (got, want)) in zip(wideOut.beats, Self.comparable(expectWide)).enumerated() where got != want {
      XCTFail("wide beat \(i): \(got) instead of \(want)"); break
    }
  }
}
