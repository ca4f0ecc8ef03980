import XCTest

@testable import Board

/// How values are read: what is accepted besides the canonical spelling, and the errors
/// that need no fixture file because their place is not the point.
final class DecodingRulesTests: XCTestCase {
  func testQuotingDoesNotChangeAValue() throws {
    let yaml = try devkitText(replacing: "window_size: 1MiB", with: "window_size: \"1MiB\"")
      .replacingOccurrences(of: "id: 0x0001", with: "id: '0x0001'")
    let board = try Board.parse(yaml: yaml, file: "test.yaml")
    XCTAssertEqual(board.ntb.windowSize, 1 << 20)
    XCTAssertEqual(board.id, 1)
  }

  func testOptionalKeysMayBeLeftOut() throws {
    let yaml = try devkitText(replacing: "  part: W25Q128JV ", with: "  # part")
      .replacingOccurrences(of: "  jedec_id: 0xEF4018 ", with: "  # jedec_id")
      .replacingOccurrences(of: "  serial: null ", with: "  # serial")
    let board = try Board.parse(yaml: yaml, file: "test.yaml")
    XCTAssertNil(board.flash.part)
    XCTAssertNil(board.flash.jedecID)
    XCTAssertNil(board.cable.serial)
  }

  func testAnAliasSharesAnAnchoredValue() throws {
    let yaml = try devkitText(
      replacing: "  dram:  { size: 256MiB, read_latency: 100ns, write_latency: 100ns, bandwidth_mbps: 12800 }",
      with: "  dram: &fast { size: 256MiB, read_latency: 100ns, write_latency: 100ns, bandwidth_mbps: 12800 }")
      .replacingOccurrences(
        of: "  flash: { size: 4GiB,   read_latency: 80us,  write_latency: 500us, bandwidth_mbps: 2000 }", with: "  flash: *fast")
    let tiers = try Board.parse(yaml: yaml, file: "test.yaml").tiers
    XCTAssertEqual(tiers.flash, tiers.dram)
  }

  func testNTBCablesAreOptionalAndNameTheNodeTheyLeaveFrom() throws {
    XCTAssertEqual(try Board.load(path: shippedBoardPath("devkit")).ntb.cables, [0])
    let without = try devkitText(replacing: "  cables: [0] ", with: "  # cables")
    XCTAssertEqual(try Board.parse(yaml: without, file: "test.yaml").ntb.cables, [])
    let two = try devkitText(replacing: "  cables: [0] ", with: "  cables: [0, 0] ")
    let board = try Board.parse(yaml: two, file: "test.yaml")
    XCTAssertEqual(board.ntb.cables(ofNode: 0), [0, 1])
  }

  func testACableFromANodeTheBoardLacksIsRefusedAtThatCable() throws {
    let yaml = try devkitText(replacing: "  cables: [0] ", with: "  cables: [0, 2] ")
    guard let error = boardError({ try Board.parse(yaml: yaml, file: "test.yaml") }) else { return }
    XCTAssertEqual(error.allErrors.map(\.description), [
      "test.yaml:39:15: error: ntb.cables[1]: node 2 does not exist; this board has only node 0 (see 'nodes'); "
        + "a cable names the node whose NTB port goes to the board's connector",
    ])
  }

  func testACableThatIsNotANodeIndexIsRefused() throws {
    let yaml = try devkitText(replacing: "  cables: [0] ", with: "  cables: [first] ")
    XCTAssertEqual(errorMessages(parsing: yaml).count, 1)
    XCTAssert(errorMessages(parsing: yaml)[0].hasPrefix("ntb.cables[0]: "), "\(errorMessages(parsing: yaml))")
  }

  func testAMergeKeyIsRefusedWithAWayAround() throws {
    let yaml = try devkitText(replacing: "  link_width: 4 ", with: "  link_width: 4\n  <<: {}\n")
    XCTAssertEqual(
      errorMessages(parsing: yaml),
      ["switch: YAML merge keys (<<) are not supported; write the keys out, or alias a whole value with *name"])
  }

  func testAQuotedNullIsAStringNotAnAbsence() throws {
    let yaml = try devkitText(replacing: "serial: null", with: "serial: \"null\"")
    XCTAssertEqual(try Board.parse(yaml: yaml, file: "test.yaml").cable.serial, "null")
  }

  func testAnOptionalKeyWithAnUnreadableValueRefusesTheFile() throws {
    let yaml = try devkitText(replacing: "serial: null", with: "serial: [A1]")
    XCTAssertEqual(errorMessages(parsing: yaml), ["cable.serial: expected a string, found a list of 1"])
  }

  func testACableMayBePickedByUSBBusAndAddress() throws {
    let yaml = try devkitText(replacing: "  # bus: 1 ", with: "  bus: 1 ")
      .replacingOccurrences(of: "  # address: 7 ", with: "  address: 7 ")
    let cable = try Board.parse(yaml: yaml, file: "test.yaml").cable
    XCTAssertEqual(cable.bus, 1)
    XCTAssertEqual(cable.address, 7)
  }

  func testAUSBBusWithoutAnAddressIsRefused() throws {
    let yaml = try devkitText(replacing: "  # bus: 1 ", with: "  bus: 1 ")
    XCTAssertEqual(
      errorMessages(parsing: yaml),
      ["cable.bus: given without cable.address; give both to pick the cable by its USB position, or neither"])
  }

  func testAKeyMustBeAName() throws {
    let yaml = try devkitText(replacing: "  link_width: 4 ", with: "  link_width: 4\n  [1, 2]: 3\n")
    XCTAssertEqual(errorMessages(parsing: yaml), ["switch: expected a key name, found a list of 2 as a key"])
  }

  func testAKeyInTheWrongSectionSaysWhereItBelongs() throws {
    let yaml = try devkitText(replacing: "nodes: 1 ", with: "nodes: 1\ndoorbells: 64\n")
    XCTAssertEqual(errorMessages(parsing: yaml), ["the board file: unknown key 'doorbells'; 'doorbells' belongs under ntb"])
  }

  func testAKeyOfSeveralSectionsNamesThemAll() throws {
    let yaml = try devkitText(replacing: "  link_width: 4 ", with: "  link_width: 4\n  size: 4\n")
    XCTAssertEqual(
      errorMessages(parsing: yaml),
      ["switch: unknown key 'size'; 'size' belongs under tiers.dram/flash/disk, flash or flash.regions items"])
  }

  func testAnUnknownKeyWithNoNearMatchListsTheKnownKeys() throws {
    let yaml = try devkitText(replacing: "  link_width: 4 ", with: "  link_width: 4\n  colour: blue\n")
    XCTAssertEqual(
      errorMessages(parsing: yaml),
      ["switch: unknown key 'colour'; expected one of: downstream_ports, link_width, link_speed_gts, max_payload_bytes"])
  }

  func testAMisspeltWordValueNamesTheNearestWord() throws {
    let role = try devkitText(replacing: "role: slot_a", with: "role: slota")
    XCTAssertEqual(
      errorMessages(parsing: role),
      ["flash.regions[1].role: expected one of boot, slot_a, slot_b, config or data, found slota; did you mean 'slot_a'?"])
    let interface = try devkitText(replacing: "interface: A", with: "interface: a")
    XCTAssertEqual(errorMessages(parsing: interface), ["cable.interface: expected one of A, B, C or D, found a; did you mean 'A'?"])
  }

  func testASectionThatIsNotAMappingListsTheKeysItNeeds() throws {
    let yaml = try devkitText(replacing: "switch:  ", with: "switch: 4\nold_switch:")
    XCTAssertEqual(
      errorMessages(parsing: yaml).first,
      "switch: expected a mapping with the keys downstream_ports, link_width, link_speed_gts, max_payload_bytes, found integer 4")
  }

  func testALinkMustBeAPairOfNodes() throws {
    let yaml = try devkitText(replacing: "links: []", with: "links: [[0, 1, 2]]")
    XCTAssertEqual(errorMessages(parsing: yaml), ["ntb.links[0]: expected a pair of node indices such as [0, 1], found a list of 3"])
  }

  func testOnlyPowersOfTwoWithinTheBoundsAreSuggested() throws {
    let yaml = try devkitText(replacing: "window_size: 1MiB", with: "window_size: 3KiB")
    XCTAssertEqual(
      errorMessages(parsing: yaml), ["ntb.window_size: expected a power of two of at least 4KiB, found 3KiB; the nearest is 4KiB"])
  }

  func testAJEDECIDHasTwentyFourBits() throws {
    let yaml = try devkitText(replacing: "jedec_id: 0xEF4018", with: "jedec_id: 0x1EF4018")
    XCTAssertEqual(
      errorMessages(parsing: yaml), ["flash.jedec_id: expected a 24-bit unsigned integer (0 to 0xFFFFFF), found 0x1EF4018"])
  }

  func testAnEmptyValueIsReportedAsNothing() throws {
    let yaml = try devkitText(replacing: "clock_mhz: 250", with: "clock_mhz:")
    XCTAssertEqual(errorMessages(parsing: yaml), ["clock_mhz: expected an integer from 1 to 1000, found nothing"])
  }

  func testAMissingKeyOfAnInlineMappingPointsAtTheKeyThatIntroducesIt() throws {
    let yaml = try devkitText(replacing: "{ size: 256MiB, ", with: "{ ")
    let error = try XCTUnwrap(boardError { try Board.parse(yaml: yaml, file: "test.yaml") })
    let dramLine = try XCTUnwrap(yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("  dram:") })
    XCTAssertEqual(error.allErrors.map(\.description), ["test.yaml:\(dramLine + 1):3: error: tiers.dram: missing required key 'size'"])
  }

  func testBoardRulesWaitUntilEveryValueIsReadable() throws {
    // nodes is unreadable, so whether node 5 exists is not asked: one error, not two.
    let yaml = try devkitText(replacing: "nodes: 1", with: "nodes: one")
      .replacingOccurrences(of: "links: []", with: "links: [[0, 5]]")
    XCTAssertEqual(errorMessages(parsing: yaml), ["nodes: expected an integer from 1 to 8, found string \"one\""])
  }

  func testEveryBrokenBoardRuleIsReported() throws {
    let yaml = try devkitText(replacing: "links: []", with: "links: [[0, 0], [0, 3]]")
    XCTAssertEqual(
      errorMessages(parsing: yaml),
      [
        "ntb.links[0]: links node 0 to itself; a crosslink joins two different nodes",
        "ntb.links[1]: node 3 does not exist; this board has only node 0 (see 'nodes')",
      ])
  }

  func testASecondDocumentInTheFileIsRefusedWhereItStarts() throws {
    let yaml = "board: devkit\n---\nboard: other\n"
    let error = try XCTUnwrap(boardError { try Board.parse(yaml: yaml, file: "test.yaml") })
    XCTAssertEqual(
      error.description,
      "test.yaml:2:1: error: a second YAML document starts here; a board file holds one board, so remove this '---' and what follows")
  }
}
