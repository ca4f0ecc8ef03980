import Cores
import Firmware
import FirmwareSimulation
import HDL
import Simulation

// The NTB firmware on a Verilated ntbPair of the devkit's shape, through SimulatedHAL:
// the driver's ping-pong round trip (each side's firmware answering the interrupt) and the
// transport's cost per message one way. Printed as `key: value` lines (scripts/bench/ntb-firmware).

let layout = try NTBLayout(memoryWindows: 2, windowSize: 1 << 20, lutEntries: 32, scratchpads: 16, doorbells: 64)

func nodes(latency: Int) throws -> NTBPairNodes {
  try NTBPairNodes(model: Model(Design(top: ntbPair(layout: layout, dataWidth: 64, linkLatency: latency))))
}

func pingPong(latency: Int, rounds: Int) throws -> (mean: Double, min: UInt64) {
  let n = try nodes(latency: latency)
  let sides = try n.bootBoth().map { NTBPingPong(driver: $0, rounds: rounds) }
  for side in sides { side.idleWait = 1 }
  sides[0].ring(bit: 0, count: 0)
  guard interleave(maxRounds: rounds * 1000, sides.map { s in { s.step() } }) != nil, sides.allSatisfy({ $0.failure == nil }) else {
    fatalError("the ping-pong at latency \(latency) did not finish")
  }
  let trips = sides.flatMap(\.roundTripCycles)
  return (Double(trips.reduce(0, +)) / Double(trips.count), trips.min() ?? 0)
}

func transport(latency: Int, messages: Int, bytes: Int) throws -> (cyclesPerMessage: Double, bytesPerCycle: Double) {
  let n = try nodes(latency: latency)
  var sender = try NTBTransport(driver: configured(n, 0), settings: NTBTransportSettings(buffer: NTBPairNodes.ramBase + 0x1_0000))
  var receiver = try NTBTransport(driver: configured(n, 1), settings: NTBTransportSettings(buffer: NTBPairNodes.ramBase + 0x1_0000))
  _ = interleave(maxRounds: 10_000, [{ sender.poll(); return sender.isReady }, { receiver.poll(); return receiver.isReady }])
  let payload = [UInt8](repeating: 0xA5, count: bytes)
  var received = 0, offered = 0
  let start = n.system.cycle
  _ = interleave(maxRounds: 1_000_000, [
    {
      while offered < messages, sender.unacknowledged < 16 {
        _ = try? sender.send(payload)
        offered += 1
      }
      sender.poll()
      return offered == messages && sender.unacknowledged == 0
    },
    {
      receiver.poll()
      received += receiver.takeDelivered().count
      return received == messages
    },
  ])
  guard received == messages else { fatalError("the transport delivered \(received) of \(messages)") }
  let cycles = Double(n.system.cycle - start)
  return (cycles / Double(messages), Double(messages * bytes) / cycles)
}

func configured(_ n: NTBPairNodes, _ node: Int) throws -> NTBDriver<SimulatedHAL> {
  let d = try n.driver(node)
  try d.configure(localBus: NTBPairNodes.localBus[node], apertureBase: NTBPairNodes.apertureBase, requesters: [NTBPairNodes.coreID.rawValue])
  return d
}

let devkitLatency = 20
let direct = try pingPong(latency: 0, rounds: 64)
let devkit = try pingPong(latency: devkitLatency, rounds: 64)
let stream = try transport(latency: devkitLatency, messages: 200, bytes: 56)
func format(_ v: Double) -> String { String(Int((v * 100).rounded())).dropLast(2) + "." + String(Int((v * 100).rounded())).suffix(2) }
print("firmware_doorbell_rtt_cycles_no_link_latency: \(format(direct.mean)) (min \(direct.min))")
print("firmware_doorbell_rtt_cycles: \(format(devkit.mean)) (min \(devkit.min), link \(devkitLatency) cycles each way)")
print("transport_cycles_per_message: \(format(stream.cyclesPerMessage)) (56-byte messages, one way, link \(devkitLatency) cycles)")
print("transport_bytes_per_cycle: \(format(stream.bytesPerCycle))")
