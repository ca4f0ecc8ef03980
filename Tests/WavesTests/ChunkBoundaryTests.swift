import Foundation
@testable import Waves
import XCTest

/// Tokens that straddle the reader's chunks, and values longer than a chunk, read intact.
final class ChunkBoundaryTests: XCTestCase {
  func testTinyChunksReadEveryValueOfAWideBus() throws {
    // A 300-bit bus whose value at step k is k copies of "1" after "0"s; a 1-bit toggle beside it.
    let width = 300
    var text = "$timescale 1ps $end\n$scope module t $end\n$var wire 300 w# wide [299:0] $end\n$var wire 1 ! bit $end\n$upscope $end\n$enddefinitions $end\n"
    for step in 0..<120 {
      text += "#\(step * 3)\nb\(String(repeating: "1", count: step + 1)) w#\n\(step % 2)!\n"
    }
    let url = try DumpMaker.folder("chunks").appendingPathComponent("chunks.vcd")
    try text.write(to: url, atomically: true, encoding: .utf8)
    for chunkSize in [7, 64, 1000] {
      let reader = try VCDReader(path: url.path, chunkSize: chunkSize)
      let variables = try ["wide", "bit"].map { try reader.header.variable(named: $0) }
      var seen: [(UInt64, Int, WaveValue)] = []
      try reader.scan(variables) { seen.append(($0.time, $0.index, $0.value)); return true }
      XCTAssertEqual(seen.count, 240, "chunk size \(chunkSize)")
      for step in 0..<120 {
        let wide = seen[2 * step], bit = seen[2 * step + 1]
        XCTAssertEqual(wide.0, UInt64(step * 3))
        XCTAssertEqual(wide.2.width, width)
        XCTAssertEqual(wide.2.bits.filter { $0 == UInt8(ascii: "1") }.count, step + 1, "step \(step), chunk size \(chunkSize)")
        XCTAssertEqual(bit.2.unsignedValue, UInt64(step % 2))
      }
    }
  }
}
