import XCTest

import Board

/// The boards in `boards/` load, and hold what their files say.
final class ShippedBoardTests: XCTestCase {
  func testDevkitIsTheOneNodeBoardOfTheSchema() throws {
    let board = try Board.load(path: shippedBoardPath("devkit"))
    let expected = Board(
      name: "devkit", id: 0x0001, clockMHz: 250, datapathBits: 128, nodeCount: 1,
      switchConfig: SwitchConfig(downstreamPorts: 1, linkWidth: 4, linkSpeedGTs: 8.0, maxPayloadBytes: 256),
      ntb: NTBConfig(
        links: [], memoryWindows: 2, windowSize: 1 << 20, lutEntries: 32, scratchpads: 16, doorbells: 64,
        linkLatencyCycles: 20, cables: [0]),
      tiers: TierConfig(
        pageSize: 4096, timeScale: 1000,
        dram: TierSpec(size: 256 << 20, readLatencyNs: 100, writeLatencyNs: 100, bandwidthMBps: 12800),
        flash: TierSpec(size: 4 << 30, readLatencyNs: 80_000, writeLatencyNs: 500_000, bandwidthMBps: 2000),
        disk: TierSpec(size: 64 << 30, readLatencyNs: 12_000_000, writeLatencyNs: 12_000_000, bandwidthMBps: 200),
        mappedSize: 256 << 20, dmaLanes: 2),
      management: ManagementConfig(
        triple: "aarch64-none-none-elf", ramBase: 0x4000_0000, ramSize: 1 << 20, mmioBase: 0x1000_0000),
      flash: FlashLayout(
        part: "W25Q128JV", jedecID: 0xEF4018, size: 16 << 20,
        regions: [
          FlashRegion(name: "boot", offset: 0x000000, size: 64 << 10, role: .boot),
          FlashRegion(name: "slot_a", offset: 0x010000, size: 4 << 20, role: .slotA),
          FlashRegion(name: "slot_b", offset: 0x410000, size: 4 << 20, role: .slotB),
          FlashRegion(name: "config", offset: 0xFF0000, size: 64 << 10, role: .config),
        ]),
      cable: FTDICable(
        vendorID: 0x0403, productID: 0x6010, serial: nil, interface: .a, chipSelect: 3, spiClockHz: 15_000_000))
    XCTAssertEqual(board, expected)
  }

  func testCluster4IsFourNodesInARing() throws {
    let board = try Board.load(path: shippedBoardPath("cluster4"))
    XCTAssertEqual(board.name, "cluster4")
    XCTAssertEqual(board.nodeCount, 4)
    XCTAssertEqual(
      board.ntb.links, [NTBLink(a: 0, b: 1), NTBLink(a: 1, b: 2), NTBLink(a: 2, b: 3), NTBLink(a: 3, b: 0)])
    for node in 0..<4 {
      let peers = Set(board.ntb.ntbPorts(ofNode: node).compactMap { $0.peer(of: node) })
      XCTAssertEqual(peers, [(node + 1) % 4, (node + 3) % 4], "node \(node) links to both ring neighbours")
    }
  }

  func testCluster4MapsOneGiBOf64KiBPagesWithFourDMALanes() throws {
    let tiers = try Board.load(path: shippedBoardPath("cluster4")).tiers
    XCTAssertEqual(tiers.mappedSize, 1 << 30)
    XCTAssertEqual(tiers.mappedPages, 16384)
    XCTAssertEqual(tiers.dmaLanes, 4)
  }

  func testWithoutMappedSizeAndDMALanesTheMapHas16384PagesAndTheEngineOneLane() throws {
    // The keys are optional; a board file written before them keeps its meaning plus a 56 KiB map.
    let text = try String(contentsOfFile: shippedBoardPath("devkit"), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("  mapped_size:") && !$0.hasPrefix("  dma_lanes:") && !$0.hasPrefix("                         #") }
      .joined(separator: "\n")
    let tiers = try Board.parse(yaml: text, file: "devkit-without-keys.yaml").tiers
    XCTAssertEqual(tiers.mappedPages, 16384)
    XCTAssertEqual(tiers.mappedSize, 16384 * 4096)
    XCTAssertEqual(tiers.dmaLanes, 1)
  }

  func testCluster4KeepsADataRegionBesideTheSlots() throws {
    let flash = try Board.load(path: shippedBoardPath("cluster4")).flash
    XCTAssertEqual(flash.region(named: "logs"), FlashRegion(name: "logs", offset: 0x101_0000, size: 1 << 20, role: .data))
    XCTAssertEqual(flash.region(role: .slotB)?.offset, 0x81_0000)
    XCTAssertEqual(flash.jedecID, 0xEF4019)
  }

  func testEveryShippedBoardLoads() throws {
    let folder = packageRoot.appendingPathComponent("boards")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
    XCTAssertTrue(files.contains("devkit.yaml"))
    for file in files {
      XCTAssertNoThrow(try Board.load(path: folder.appendingPathComponent(file).path), file)
    }
  }

  func testTheDefaultBoardIsDevkitFoundFromThePackageRoot() throws {
    let path = Board.boardPath(named: "devkit", from: packageRoot.path)
    XCTAssertEqual(path, packageRoot.appendingPathComponent("boards/devkit.yaml").path)
    XCTAssertEqual(try Board.load(path: Board.defaultBoardPath).name, "devkit")
  }

  func testTheDefaultBoardIsFoundFromASubdirectoryOfThePackage() {
    let path = Board.boardPath(named: "devkit", from: packageRoot.appendingPathComponent("Sources/Board").path)
    XCTAssertEqual(path, packageRoot.appendingPathComponent("boards/devkit.yaml").path)
  }

  func testABoardIsLoadedByNameFromThePackagesBoardsFolder() throws {
    XCTAssertEqual(try Board.load(named: "cluster4").nodeCount, 4)
  }

  func testOutsideAnyPackageTheDefaultBoardPathStaysRelative() {
    XCTAssertEqual(Board.boardPath(named: "devkit", from: "/"), "boards/devkit.yaml")
  }
}
