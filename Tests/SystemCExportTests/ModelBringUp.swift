import Simulation
import SystemCExport

/// Runs a register-level `BringUpScript` on the Verilator C++ model with `MMIOMaster`, printing
/// the lines the SystemC sample prints (`BringUpLog`), so the two logs compare as text.
/// Payload steps are the TLM socket's own checks, which have no counterpart here: skipped.
struct ModelBringUp {
  let model: Model
  let plan: SystemCPortPlan

  func run(_ script: BringUpScript) throws -> [String] {
    var masters: [String: MMIOMaster] = [:]
    for port in plan.mmio {
      masters[port.prefix] = try MMIOMaster(model, prefix: port.prefix, random: SimulationRandom(seed: 1))
    }
    var lines: [String] = []
    model.reset(cycles: script.resetCycles)
    for step in script.steps {
      switch step {
      case .read(let port, let address, let label):
        let answer = try masters[port]!.read(address)
        lines.append(BringUpLog.read(port: port, address: address, status: status(answer), data: answer.error ? nil : answer.data,
                                     dataBytes: dataBytes(port), cycles: masters[port]!.lastAccessCycles, label: label))
      case .write(let port, let address, let value, let enables, let label):
        let strobe = enables.map { $0.enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) } }
        let answer = try masters[port]!.write(address, value, strobe: strobe)
        lines.append(BringUpLog.write(port: port, address: address, value: value,
                                      byteEnables: BringUpLog.byteEnables(enables, dataBytes: dataBytes(port)), status: status(answer),
                                      dataBytes: dataBytes(port), cycles: masters[port]!.lastAccessCycles, label: label))
      case .idle(let cycles):
        model.step(cycles)
      case .payload, .sendTLP:
        continue
      }
    }
    // The sample stops one edge after its last step and then prints the pins.
    model.step()
    model.settle()
    for pin in plan.pins where pin.direction == .output && pin.width <= 64 {
      lines.append("\(pin.name) = \(try model.output(pin.name).uint64)")
    }
    return lines
  }

  private func status(_ answer: MMIOMaster.Response) -> String { answer.error ? "TLM_ADDRESS_ERROR_RESPONSE" : "TLM_OK_RESPONSE" }
  private func dataBytes(_ port: String) -> Int { plan.mmio.first { $0.prefix == port }!.dataWidth / 8 }
}
