import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The example at the top of docs/simulation.md, kept compiling and passing.
final class GuideExampleTests: SimulationTestCase {
  func testWordsComeOutInOrder() throws {
    let model = try self.model(try Design(top: fifo(depth: 4, width: 8)))  // built once, cached
    let driver = try StreamDriver(model, prefix: "enq", validProbability: 0.7, random: random("enq"))
    let monitor = try StreamMonitor(model, prefix: "deq", readyProbability: 0.5, random: random("deq"))
    let scoreboard = Scoreboard<UInt64>("deq_data")
    model.reset()
    for cycle in 0..<10_000 {
      if driver.pending == 0 { try driver.send(UInt64(cycle & 0xff)) }
      driver.drive(); monitor.drive()          // inputs for this cycle
      model.settle()                           // the design responds, clock still low
      if driver.observe() { scoreboard.expect(driver.acceptedData) }
      if monitor.observe(cycle: cycle) { scoreboard.observe(monitor.data, cycle: cycle) }
      model.step()                             // the rising edge
    }
    XCTAssertNil(scoreboard.verdict(allowingOutstanding: true))
    XCTAssertGreaterThan(scoreboard.matched, 2000)
  }
}
