import Simulation

/// Something beside the firmware that acts on the model every cycle: a memory behind a TLP
/// port, a requester in front of one. `drive` sets its inputs before the cycle's settle;
/// `sample` reads the settled outputs just before the rising edge.
public protocol CycleAgent: AnyObject {
  func drive()
  func sample()
}

/// One Verilated model shared by every `SimulatedHAL` on it and by the agents around it: the
/// only place the clock advances, so all of them see the same cycles in the same order.
///
/// Interleaving: firmware calls are synchronous and each HAL access advances this one clock
/// while the others' firmware is not running (their hardware and agents still are). Several
/// nodes' firmware on one model therefore run as cooperative step functions (`interleave`), in
/// a fixed order, which makes a run a pure function of the model, the firmware and the seed.
public final class SimulatedSystem {
  public let model: Model
  private var agents: [CycleAgent] = []

  public init(model: Model) { self.model = model }

  public func attach(_ agent: CycleAgent) { agents.append(agent) }

  /// Clock cycles since the model was created (shared by every node on it).
  public var cycle: UInt64 { UInt64(model.cycle) }

  /// Lets the agents drive their inputs and settles the model, without a clock edge.
  public func settle() {
    for agent in agents { agent.drive() }
    model.settle()
  }

  /// One clock cycle: agents drive, the model settles, agents sample, the clock rises.
  public func step(_ cycles: Int = 1) {
    for _ in 0..<cycles {
      settle()
      for agent in agents { agent.sample() }
      model.step()
    }
  }
}

/// Runs several nodes' firmware on one model: each `steps[i]` is one node's firmware as a step
/// function (a bounded amount of work: poll, react, return whether the node is finished). They
/// are called in index order, round after round, until all are finished or `maxRounds` pass.
/// Returns the number of rounds run, or nil if some node never finished. Only HAL calls move
/// the clock, so a step that finds nothing to do should wait (`waitForInterrupt` with a short
/// timeout, or `wait(cycles:)`) before it returns.
public func interleave(maxRounds: Int, _ steps: [() -> Bool]) -> Int? {
  var finished = [Bool](repeating: false, count: steps.count)
  for round in 1...max(maxRounds, 1) {
    for (i, step) in steps.enumerated() where !finished[i] { finished[i] = step() }
    if finished.allSatisfy({ $0 }) { return round }
  }
  return nil
}
