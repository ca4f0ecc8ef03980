import Cores
import HDL

/// `ports` input packet streams, each with a destination port number (held for the whole packet),
/// routed to `ports` output packet streams. Each output has a `roundRobinArbiter` over the inputs
/// that address it, so packets move whole; an input is ready when its destination's arbiter takes its beat.
func crossbar(ports: Int, width: Int) -> Module {
  Module("crossbar", parameters: ["ports": ports, "width": width]) { m in
    let inputs = (0..<ports).map { m.port("in\($0)", PacketStream(width: width).flipped) }
    let destinations = (0..<ports).map { m.input("in\($0)_destination", width: bitsToIndex(ports)) }
    let outputs = (0..<ports).map { m.port("out\($0)", PacketStream(width: width)) }
    let arbiters = (0..<ports).map { m.instance(roundRobinArbiter(requesters: ports, width: width), name: "arbiter\($0)") }
    let requests = arbiters.map { arbiter in (0..<ports).map { arbiter.interface("in\($0)", as: PacketStream.self) } }

    for (j, output) in outputs.enumerated() {
      for (i, input) in inputs.enumerated() {
        requests[j][i].valid <== input.valid && destinations[i] == j
        requests[j][i].data <== input.data
        requests[j][i].last <== input.last
      }
      connect(arbiters[j].interface("out", as: PacketStream.self), to: output)
    }
    for (i, input) in inputs.enumerated() {
      input.ready <== (0..<ports).map { j in destinations[i] == j && requests[j][i].ready }.reduce(Signal.low) { $0 || $1 }
    }
  }
}
