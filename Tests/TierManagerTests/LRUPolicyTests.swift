import Firmware
import TierFirmwareSupport
import TierModel
import XCTest

/// The baseline is LRU at epoch granularity: checked against a textbook LRU list kept here.
final class LRUPolicyTests: XCTestCase {
  /// Reference: DRAM as a recency list, least recent first. The pages DRAM starts with count as
  /// never touched, oldest in frame order; each epoch's touched pages are appended (and removed
  /// from where they were) in first-touch order, and the least recent beyond capacity leave.
  struct ReferenceLRU {
    var order: [Int]
    let capacity: Int

    mutating func epoch(touched: [Int]) {
      for page in touched {
        order.removeAll { $0 == page }
        order.append(page)
      }
      if order.count > capacity { order.removeFirst(order.count - capacity) }
    }
  }

  func testItKeepsTheMostRecentlyTouchedPagesInDRAM() throws {
    var m = try TestMachine(dram: 4, flash: 32, disk: 32, pages: 24, epochCycles: 20_000, promotionsPerEpoch: 4)
    var policy = LRUPolicy(pageCount: 24)
    m.manager.start(policy)
    var reference = ReferenceLRU(order: [0, 1, 2, 3], capacity: 4)
    var rng = SplitMix64(seed: 21)
    for epoch in 0..<40 {
      // One to three distinct pages an epoch, so that at most four need DRAM at once.
      var touched: [Int] = []
      while touched.count < 1 + epoch % 3 {
        let page = Int(rng.next() % 24)
        if !touched.contains(page) { touched.append(page) }
      }
      for page in touched { m.touch(page, &policy) }
      m.finishEpoch(&policy)
      XCTAssertTrue(m.manager.finishCopies(&policy))
      reference.epoch(touched: touched)
      XCTAssertEqual(m.pagesInDRAM, Set(reference.order), "after epoch \(epoch), which touched \(touched)")
    }
    XCTAssertGreaterThan(m.manager.statistics.promotions, 30)
  }

  func testAScanMakesItThrashWhereHotListPolicyStaysPut() throws {
    var m = try TestMachine(dram: 128, flash: 1_024, disk: 2_048, pages: 1_024, epochCycles: 5_000)
    var policy = LRUPolicy(pageCount: 1_024)
    m.manager.start(policy)
    _ = runTrace(TraceGenerator.sequentialScan(pages: 1_024, passes: 5), hal: m.hal, manager: &m.manager, policy: &policy)
    XCTAssertGreaterThan(m.manager.statistics.promotions, 100, "every touched page is promoted, to be evicted before its next use: \(m.manager.statistics)")
  }
}
