@testable import Firmware
import PCIModel

/// Short constructors for model topologies.
typealias BAR = ModelFunction.BAR

let KiB: UInt64 = 1 << 10
let MiB: UInt64 = 1 << 20
let GiB: UInt64 = 1 << 30

func endpoint(_ name: String, _ bars: [Int: BAR] = [0: .memory32(size: 16 * KiB)], maxPayload: Int? = 512,
              readyAt: UInt64 = 0) -> ModelFunction {
  let f = ModelFunction(name, bars: bars, maxPayloadSupported: maxPayload)
  f.readyAtCycle = readyAt
  return f
}

func bridge(_ name: String, _ port: ModelFunction.PortType?, prefetchable: ModelFunction.PrefetchableWindow = .bits64,
            maxPayload: Int = 512, bars: [Int: BAR] = [:], _ below: [(UInt8, UInt8, ModelFunction)] = []) -> ModelFunction {
  let bus = ModelBus()
  let f = ModelFunction(name, bridge: port, to: bus, prefetchable: prefetchable, bars: bars, maxPayloadSupported: maxPayload)
  for (d, fn, g) in below { bus.attach(d, fn, g) }
  return f
}

func rootBus(_ devices: [(UInt8, UInt8, ModelFunction)]) -> ModelBus {
  let bus = ModelBus()
  for (d, fn, g) in devices { bus.attach(d, fn, g) }
  return bus
}

/// A switch: upstream port on device 0 of its bus, one downstream port per entry (devices
/// 0, 1, ...), each with `below` on its link (device 0), or nothing.
func pcieSwitch(_ name: String, maxPayload: Int = 512, _ downstream: [ModelFunction?]) -> ModelFunction {
  bridge("\(name).up", .upstreamPort, maxPayload: maxPayload, downstream.enumerated().map { i, ep in
    (UInt8(i), 0, bridge("\(name).down\(i)", .downstreamPort, maxPayload: maxPayload, ep.map { [(0, 0, $0)] } ?? []))
  })
}
