import PCIe
import XCTest

/// Framing TLPs into stream beats: the layout documented on `Cores.TLPStream`, checked on
/// hand-made examples, and the round trip for random TLPs on every board data path.
final class TLPStreamBeatTests: XCTestCase {
  let me = PCIeID(rawValue: 0x0100)

  func testAFiveDWWriteOnA128BitPathTakesTwoBeatsWithTheLastPartlyStrobed() {
    let data = (1...20).map { UInt8($0) }
    let beats = TLP.memoryWrite(address: 0x1000, data: data, requester: me).streamBeats(lanes: 4)
    XCTAssertEqual(beats.count, 2)
    XCTAssertEqual(beats[0].header, [0x4000_0005, 0x0100_00FF, 0x0000_1000, 0])
    XCTAssertEqual(beats[0].lanes, [0x0403_0201, 0x0807_0605, 0x0C0B_0A09, 0x100F_0E0D])
    XCTAssertEqual(beats[0].strobe, 0b1111)
    XCTAssertEqual(beats[1].lanes, [0x1413_1211, 0, 0, 0])
    XCTAssertEqual(beats[1].strobe, 0b0001)
    XCTAssertEqual(beats.map(\.start), [true, false])
    XCTAssertEqual(beats.map(\.end), [false, true])
  }

  func testATLPWithoutPayloadIsOneBeatWithNoLaneStrobed() {
    let beats = TLP.memoryRead(address: 0x1_0000_0000, byteCount: 64, requester: me).streamBeats(lanes: 2)
    XCTAssertEqual(beats, [TLPStreamBeat(header: [0x2000_0010, 0x0100_00FF, 1, 0], lanes: [0, 0], strobe: 0, start: true, end: true)])
  }

  func testTheDigestIsDroppedAndTDCleared() throws {
    var tlp = TLP.memoryWrite(address: 0x40, data: [1, 2, 3, 4], requester: me)
    tlp.digest = 0x1234_5678
    let beats = tlp.streamBeats(lanes: 8)
    XCTAssertEqual(beats[0].header[0] & 1 << 15, 0)
    tlp.digest = nil
    XCTAssertEqual(try TLP(streamBeats: beats), tlp)
  }

  func testRandomTLPsSurviveFramingOnEveryDataPath() throws {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SplitMix64(seed: seed)
    for _ in 0..<1000 {
      var tlp = TLP.random(using: &rng)
      tlp.digest = nil
      for lanes in [2, 4, 8] {
        let beats = tlp.streamBeats(lanes: lanes)
        XCTAssertEqual(beats.count, tlp.kind.hasData ? (tlp.length + lanes - 1) / lanes : 1, "seed \(seed)")
        XCTAssertEqual(try TLP(streamBeats: beats), tlp, "seed \(seed), \(lanes) lanes")
      }
    }
  }

  func testBrokenFramingIsRefusedNamingTheBeat() {
    var beats = TLP.memoryWrite(address: 0, data: [UInt8](repeating: 9, count: 32), requester: me).streamBeats(lanes: 2)
    beats[2].start = true
    XCTAssertThrowsError(try TLP(streamBeats: beats)) { XCTAssertTrue("\($0)".contains("beat 2 sets start")) }
    beats[2].start = false
    beats[1].end = true
    XCTAssertThrowsError(try TLP(streamBeats: beats)) { XCTAssertTrue("\($0)".contains("not on beat 1 of 4")) }
  }

  /// A switch that finds a TLP malformed after passing its head on ends it with a beat that
  /// has `end` and no strobe (`Cores.TLPStream`); a header-only TLP's single beat looks alike
  /// but is its first beat.
  func testTheNullifyMarkerIsALaterEndBeatWithoutStrobeAndIsRefused() {
    var beats = TLP.memoryWrite(address: 0, data: [UInt8](repeating: 9, count: 32), requester: me).streamBeats(lanes: 2)
    beats[1].end = true
    beats[1].strobe = 0
    XCTAssertTrue(beats[1].nullifies)
    XCTAssertFalse(beats[0].nullifies)
    XCTAssertFalse(TLP.memoryRead(address: 0, byteCount: 4, requester: me).streamBeats(lanes: 2)[0].nullifies)
    XCTAssertThrowsError(try TLP(streamBeats: Array(beats.prefix(2)))) { XCTAssertTrue("\($0)".contains("beat 1 is the nullify marker"), "\($0)") }
  }
}
