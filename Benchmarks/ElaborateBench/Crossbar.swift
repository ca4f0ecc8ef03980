import HDL

/// `ports` input streams, each with a destination port number, routed to `ports` output streams.
/// Each output has its own round-robin arbiter over the inputs that address it; an input is
/// ready when the arbiter of its destination takes its word.
func crossbar(ports: Int, width: Int) -> Module {
  Module("crossbar", parameters: ["ports": ports, "width": width]) { m in
    let inputs = (0..<ports).map { m.port("in\($0)", Stream(width: width).flipped) }
    let destinations = (0..<ports).map { m.input("in\($0)_destination", width: bitsToIndex(ports)) }
    let outputs = (0..<ports).map { m.port("out\($0)", Stream(width: width)) }
    let arbiters = (0..<ports).map { m.instance(roundRobinArbiter(requesters: ports, width: width), name: "arbiter\($0)") }
    let requests = arbiters.map { arbiter in (0..<ports).map { arbiter.interface("request\($0)", as: Stream.self) } }

    for (j, output) in outputs.enumerated() {
      for (i, input) in inputs.enumerated() {
        requests[j][i].valid <== input.valid && destinations[i] == j
        requests[j][i].data <== input.data
      }
      connect(arbiters[j].interface("grant", as: Stream.self), to: output)
    }
    for (i, input) in inputs.enumerated() {
      input.ready <== (0..<ports).map { j in destinations[i] == j && requests[j][i].ready }.reduce(Signal.low) { $0 || $1 }
    }
  }
}
