import Foundation
import Toolchain
import XCTest

/// The NTB driver, ping-pong, transport and the cluster boot are generic over `HAL`, so an Embedded Swift build only checks
/// them where they are specialized: this compiles the Firmware sources with a board-style use
/// site (a HAL of volatile pointers) for aarch64-none-none-elf, as the image is built.
final class NTBEmbeddedBuildTests: XCTestCase {
  static let useSite = """
    final class PointerHAL: HAL {
      func read32(_ address: UInt64) -> UInt32 { UnsafePointer<UInt32>(bitPattern: UInt(address))!.pointee }
      func write32(_ address: UInt64, _ value: UInt32) { UnsafeMutablePointer<UInt32>(bitPattern: UInt(address))!.pointee = value }
      func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 { 0 }
      func wait(cycles: UInt64) {}
      var cycles: UInt64 { 0 }
    }

    public func ntbBringUp() -> UInt32 {
      do throws(NTBError) {
        let ntb = try NTBDriver(hal: PointerHAL(), base: 0x4000_0000)
        try ntb.configure(localBus: 1, apertureBase: 0x9000_0000, requesters: [0x0100])
        ntb.linkEnable()
        try ntb.routeDoorbells(0b110, to: 1)
        try ntb.ringPeer(try ntb.vectorMask(1))
        try ntb.writePeerScratchpad(0, try ntb.readScratchpad(0) &+ 1)
        try ntb.sendMessage(0, try ntb.readMessage(1) ?? 0)
        try ntb.setTranslation(window: 0, peerAddress: 0x8000_0000, size: 4096)
        let game = NTBPingPong(driver: ntb, rounds: 4)
        game.ring(bit: 0, count: 0)
        _ = game.step()
        guard var transport = try? NTBTransport(driver: ntb, settings: NTBTransportSettings(buffer: 0x8001_0000)) else { return 0 }
        transport.poll()
        _ = try? transport.send([1, 2, 3])
        return UInt32(transport.takeDelivered().count) + UInt32(ntb.linkState().width)
      } catch {
        return 0
      }
    }

    public func clusterBoot() -> UInt32 {
      let node = ClusterNode(hal: PointerHAL(), layout: NodeLayout(mmioBase: 0x1000_0000, ramBase: 0x4000_0000, ramSize: 1 << 20, clockMHz: 250))
      while !node.step() {}
      return node.phase == .done ? UInt32(node.ports.count) : 0
    }

    """

  func testTheDriverAndTransportCompileUnderEmbeddedSwift() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let sources = root.appendingPathComponent("Sources/Firmware")
    let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".swift") }.sorted().map { sources.appendingPathComponent($0).path }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strata-ntb-embedded-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(Self.useSite.utf8).write(to: dir.appendingPathComponent("Use.swift"))
    let result = try Toolchain.run("/usr/bin/env", ["swiftc", "-enable-experimental-feature", "Embedded", "-target", "aarch64-none-none-elf",
                                                   "-wmo", "-parse-as-library", "-module-name", "Firmware", "-c", "-o", "ntb.o"]
                                     + files + ["Use.swift"], in: dir)
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ntb.o").path))
  }
}
