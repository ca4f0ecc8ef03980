import XCTest

@testable import Board

/// Each file in `Malformed/` holds one mistake. These tests pin the exact place
/// (file:line:column, 1-based, at the key or value to fix) and wording of each error.
final class MalformedBoardTests: XCTestCase {
  // MARK: Keys

  func testAMisspeltKeyIsNamedWithTheNearestKnownKey() throws {
    try assertRefused("unknown_key", with: "9:3: error: switch: unknown key 'link_widht'; did you mean 'link_width'?")
  }

  func testAMissingKeyPointsAtTheMappingThatLacksIt() throws {
    try assertRefused("missing_key", with: "12:1: error: ntb: missing required key 'doorbells'")
  }

  func testAMissingSectionPointsAtTheStartOfTheDocument() throws {
    try assertRefused("missing_section", with: "2:1: error: the board file: missing required key 'cable'")
  }

  func testADuplicateKeyPointsAtTheSecondAndNamesTheLineOfTheFirst() throws {
    try assertRefused(
      "duplicate_key", with: "7:1: error: the board file: duplicate key 'nodes' (first given at line 6); keep one of them")
  }

  // MARK: Values

  func testAValueOfTheWrongTypeSaysWhatWasExpectedAndWhatWasFound() throws {
    try assertRefused("wrong_type", with: "6:8: error: nodes: expected an integer from 1 to 8, found string \"abc\"")
  }

  func testANumberOutOfRangeNamesTheRange() throws {
    try assertRefused("out_of_range", with: "6:8: error: nodes: expected an integer from 1 to 8, found 9")
  }

  func testAValueOutsideAFixedSetListsTheSet() throws {
    try assertRefused("not_one_of", with: "9:15: error: switch.link_width: expected one of 1, 2, 4, 8 or 16, found 3")
  }

  func testASizeThatMustBeAPowerOfTwoNamesTheNearestPowers() throws {
    try assertRefused(
      "not_power_of_two",
      with: "15:16: error: ntb.window_size: expected a power of two of at least 4KiB, found 3MiB; the nearest are 2MiB and 4MiB")
  }

  func testADecimalSizeUnitIsRefusedAsAmbiguous() throws {
    try assertRefused(
      "ambiguous_size_unit",
      with: "29:13: error: management.ram_size: expected a size such as 4096, 0x1000, 4KiB or 256 MiB, found string \"1MB\"; 'MB' is ambiguous (1000 or 1024?); write MiB for the binary unit")
  }

  func testADurationNeedsAUnit() throws {
    try assertRefused(
      "duration_without_unit",
      with: "24:40: error: tiers.flash.read_latency: expected a duration such as 100ns, 80us or 4 ms, found integer 80; a duration needs a unit: ns, us, ms or s")
  }

  // MARK: Flash layout

  func testOverlappingRegionsNameBothRegionsAndTheirRanges() throws {
    try assertRefused(
      "overlapping_regions",
      with: "38:7: error: flash.regions[2]: region 'slot_b' (0x400000..<0x800000) overlaps region 'slot_a' (0x010000..<0x410000) at line 37")
  }

  func testARegionPastTheEndOfTheFlashIsRefused() throws {
    try assertRefused(
      "region_beyond_flash",
      with: "39:7: error: flash.regions[3]: region 'config' (0xFF0000..<0x1010000) ends past the end of the 16MiB flash at 0x1000000")
  }

  func testAMisalignedRegionNamesTheNearestSectorBoundaries() throws {
    try assertRefused(
      "misaligned_region",
      with: "38:31: error: flash.regions[2].offset: expected a multiple of 4KiB (0x1000), found 0x410800; the nearest are 0x410000 and 0x411000")
  }

  func testRegionNamesMustBeUnique() throws {
    try assertRefused(
      "duplicate_region_name",
      with: "39:15: error: flash.regions[3].name: region name 'slot_a' is already used by the region at line 37; names must be unique")
  }

  func testBothFirmwareSlotsAreRequired() throws {
    try assertRefused(
      "missing_slot_role",
      with: "35:3: error: flash.regions: no region has role slot_b; A/B firmware updates need one slot_a and one slot_b region")
  }

  func testBothFirmwareSlotsMustHaveTheSameSize() throws {
    try assertRefused(
      "slot_sizes_differ",
      with: "38:47: error: flash.regions[2].size: slot 'slot_b' (0x410000..<0x610000) is 2MiB but slot 'slot_a' (0x010000..<0x410000) is 4MiB; both slots hold the same image, so make them the same size")
  }

  // MARK: NTB topology

  func testALinkToANodeThatDoesNotExistPointsAtThatNode() throws {
    try assertRefused(
      "ntb_link_to_missing_node",
      with: "13:23: error: ntb.links[1]: node 2 does not exist; this board has 2 nodes, numbered 0 to 1 (see 'nodes')")
  }

  func testANodeCannotLinkToItself() throws {
    try assertRefused(
      "ntb_self_link", with: "13:19: error: ntb.links[1]: links node 1 to itself; a crosslink joins two different nodes")
  }

  func testAPairOfNodesIsLinkedOnceInEitherDirection() throws {
    try assertRefused(
      "ntb_duplicate_link",
      with: "13:19: error: ntb.links[1]: [1, 0] repeats the link [0, 1] at line 13; each pair of nodes is linked at most once")
  }

  func testEveryNodeMustBeReachableOverTheLinks() throws {
    try assertRefused(
      "ntb_unreachable_node",
      with: "13:3: error: ntb.links: node 2 cannot be reached from node 0; add crosslinks so that every node has a path to every other")
  }

  // MARK: Memory map

  func testATierHoldsWholePages() throws {
    try assertRefused(
      "tier_not_whole_pages",
      with: "23:18: error: tiers.dram.size: expected a whole number of 64KiB pages (tiers.page_size), found 100KiB; the nearest are 64KiB and 128KiB")
  }

  func testThePageMapCoversWholePages() throws {
    try assertRefused(
      "mapped_size_not_whole_pages",
      with: "26:16: error: tiers.mapped_size: expected a whole number of 64KiB pages (tiers.page_size), found 100KiB; the nearest are 64KiB and 128KiB")
  }

  func testThePageMapHoldsAtMost2To24Pages() throws {
    // 24-bit page numbers (the map entry's FRAME and the request path's page index): 2^24 pages of 4 KiB are 64 GiB.
    try assertRefused(
      "mapped_size_too_large",
      with: "26:16: error: tiers.mapped_size: 2TiB is 536870912 pages of 4KiB; the page map holds 2 to 16777216 (24-bit page numbers): "
        + "use a size from 8KiB to 64GiB, or larger pages")
  }

  func testTheDMAEngineHasOneToEightLanes() throws {
    try assertRefused("dma_lanes_out_of_range", with: "26:14: error: tiers.dma_lanes: expected an integer from 1 to 8, found 9")
  }

  func testRegistersMustLieOutsideRAM() throws {
    try assertRefused(
      "mmio_inside_ram",
      with: "30:14: error: management.mmio_base: 0x40080000 lies inside RAM (0x40000000..<0x40100000); put the registers outside RAM")
  }

  // MARK: Cable

  func testAnSPIClockTheMPSSECannotMakeNamesTheNearestItCan() throws {
    try assertRefused(
      "unreachable_spi_clock",
      with: "45:17: error: cable.spi_clock_hz: expected an SPI clock the FTDI MPSSE can make, 60 MHz / (2 × (divisor + 1)), found 12000000; the nearest are 10000000 or 15000000 Hz")
  }

  func testOnlyChannelsWithAnMPSSEEngineCanProgramTheFlash() throws {
    try assertRefused(
      "interface_without_mpsse",
      with: "43:14: error: cable.interface: expected A or B, found C; only channels A and B of an FT2232H or FT4232H have the MPSSE engine that SPI needs")
  }

  // MARK: YAML itself

  func testAYAMLSyntaxErrorIsReportedWhereTheParserStopped() throws {
    try assertRefused(
      "yaml_syntax_error",
      with: "24:8: error: YAML syntax: did not find expected ',' or '}' (while parsing a flow mapping at line 23, column 10)")
  }

  func testATabInTheIndentationIsExplained() throws {
    try assertRefused(
      "tab_indentation",
      with: "9:1: error: YAML syntax: found a tab character that violates indentation (while scanning a plain scalar at line 8, column 21); indent with spaces, not tabs")
  }

  func testAnEmptyFileIsRefused() throws {
    try assertRefused(
      "empty",
      with: "1:1: error: the board file is empty; expected a mapping that starts with 'board: <name>' (see boards/devkit.yaml)")
  }

  // MARK: Several mistakes

  func testEveryMistakeInAFileIsReportedInFileOrder() throws {
    try assertRefused(
      "several_mistakes",
      with: "4:12: error: clock_mhz: expected an integer from 1 to 1000, found string \"fast\"",
      "16:16: error: ntb.lut_entries: expected 0 (no lookup-table window) or an integer from 32 to 1024, found 16",
      "44:16: error: cable.chip_select: expected 3 or 4, found 5")
  }

  func testEveryMalformedFileHasATestNamingIt() throws {
    let folder = try XCTUnwrap(Bundle.module.url(forResource: "Malformed", withExtension: nil))
    let fixtures = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    for fixture in fixtures.sorted() {
      let name = String(fixture.dropLast(".yaml".count))
      XCTAssertTrue(source.contains("\"\(name)\""), "Malformed/\(fixture) has no test")
    }
    XCTAssertGreaterThanOrEqual(fixtures.count, 15)
  }
}
