/// The rules that span several values of a board file. They run on a board whose every
/// value was read, report through `diagnostics` at the value to fix, and report every
/// broken rule rather than the first.
enum BoardRules {
  static func check(_ board: Board, diagnostics: Diagnostics) {
    NTBTopologyRules.check(board.ntb.links, nodeCount: board.nodeCount, diagnostics: diagnostics)
    NTBTopologyRules.check(cables: board.ntb.cables, nodeCount: board.nodeCount, diagnostics: diagnostics)
    FlashLayoutRules.check(board.flash, diagnostics: diagnostics)
    MemoryMapRules.check(board.tiers, diagnostics: diagnostics)
    MemoryMapRules.check(board.management, diagnostics: diagnostics)
  }
}
