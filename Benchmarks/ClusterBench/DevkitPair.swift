import Board

/// The board the cluster figures are measured on: boards/devkit.yaml's values (clock, datapath,
/// switch, NTB shape, link latency) with two nodes joined by one crosslink, as
/// Tests/CoresTests/Board/PairBoard.swift shapes its board for the node-top tests.
enum DevkitPair {
  static func load() throws -> Board {
    var board = try Board.load(named: "devkit")
    board.name = "devkit_pair"
    board.nodeCount = 2
    board.ntb.links = [NTBLink(a: 0, b: 1)]
    return board
  }
}
