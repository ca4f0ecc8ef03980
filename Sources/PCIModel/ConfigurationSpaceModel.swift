import Firmware

/// Configuration requests routed through a hierarchy of modelled functions, the way bridges
/// route them (PCI-to-PCI Bridge Architecture 1.2 §3.2.2.3.1; PCIe Base 4.0 §7.3.3): a request
/// for the root bus is a Type 0 request there; a bridge whose secondary..subordinate range
/// holds the target bus claims it, converting it to Type 0 when the bus is its secondary;
/// nothing claiming it (or two bridges claiming it), or no function at the target, completes
/// with Unsupported Request.
/// A function before its ready cycle completes with CRS, or with CRS Software Visibility a
/// Vendor ID read returns 0001h (PCIe Base 4.0 §2.3.2). Time passes only through `wait`.
public final class ConfigurationSpaceModel: ConfigurationAccess {
  public let root: ModelBus
  public let rootBus: UInt8
  public var crsSoftwareVisibility = false
  public private(set) var now: UInt64 = 0
  public private(set) var waits: [UInt64] = []
  public private(set) var requests: [BDF] = []
  /// Requests two bridges on one bus both claimed by their bus ranges (answered with UR).
  public private(set) var conflicts: [BDF] = []
  /// Per bridge, the subordinate bus numbers it held while forwarding requests.
  public private(set) var forwardedWithSubordinate: [String: Set<UInt8>] = [:]

  public init(root: ModelBus, rootBus: UInt8 = 0) {
    self.root = root
    self.rootBus = rootBus
  }

  public func target(_ bdf: BDF) -> ModelFunction? {
    var bus = root
    var number = rootBus
    while bdf.bus != number {
      let claiming = bus.functions.filter { f in
        f.isBridge && f.busNumbers.secondary != 0 && (f.busNumbers.secondary...max(f.busNumbers.secondary, f.busNumbers.subordinate)).contains(bdf.bus)
      }
      // Two bridges claiming one request is a fault on a real bus; the model refuses it.
      if claiming.count > 1 { conflicts.append(bdf) }
      guard claiming.count == 1, let bridge = claiming.first else { return nil }
      forwardedWithSubordinate[bridge.name, default: []].insert(bridge.busNumbers.subordinate)
      bus = bridge.secondary!
      number = bridge.busNumbers.secondary
    }
    if bus.onlyDeviceZero && bdf.device != 0 { return nil }
    return bus.slots[bdf.device]?[bdf.function]
  }

  public func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
    precondition(offset % 4 == 0 && offset < 4096)
    requests.append(bdf)
    guard let f = target(bdf) else { return ConfigurationRead(status: .unsupportedRequest, value: 0xFFFF_FFFF) }
    if now < f.readyAtCycle {
      if crsSoftwareVisibility && offset == 0 && byteEnables == 0xF {
        return ConfigurationRead(status: .successful, value: 0xFFFF_0001)
      }
      return ConfigurationRead(status: .configurationRetry, value: 0)
    }
    var value = f.load32(Int(offset))
    for i in 0..<4 where byteEnables & (1 << i) == 0 { value &= ~(0xFF << (8 * i)) }
    return ConfigurationRead(status: .successful, value: value)
  }

  public func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus {
    precondition(offset % 4 == 0 && offset < 4096)
    requests.append(bdf)
    guard let f = target(bdf) else { return .unsupportedRequest }
    if now < f.readyAtCycle { return .configurationRetry }
    f.write(Int(offset), value, byteEnables: byteEnables)
    return .successful
  }

  public func wait(cycles: UInt64) {
    waits.append(cycles)
    now += cycles
  }

  /// Every function that answers now, reachable from the root with its bus numbers as the
  /// bridges route them, depth first.
  public func reachable() -> [(bdf: BDF, function: ModelFunction, parent: ModelFunction?)] {
    var out: [(BDF, ModelFunction, ModelFunction?)] = []
    func walk(_ bus: ModelBus, _ number: UInt8, _ parent: ModelFunction?) {
      for (d, functions) in bus.slots.sorted(by: { $0.key < $1.key }) {
        for (fn, f) in functions.sorted(by: { $0.key < $1.key }) where f.readyAtCycle <= now {
          out.append((BDF(bus: number, device: d, function: fn), f, parent))
        }
      }
      for f in bus.functions where f.isBridge && f.busNumbers.secondary > number {
        walk(f.secondary!, f.busNumbers.secondary, f)
      }
    }
    walk(root, rootBus, nil)
    return out
  }

  /// The functions whose memory BARs claim `address` when a memory request enters at the
  /// root: a function decodes its BARs when memory space is on; a bridge forwards an address
  /// inside its memory or prefetchable window (PCI-to-PCI Bridge 1.2 §4.3) with memory space on.
  public func claimants(of address: UInt64) -> [(ModelFunction, slot: Int)] {
    var out: [(ModelFunction, Int)] = []
    func walk(_ bus: ModelBus) {
      for f in bus.functions where f.memoryDecodeOn {
        for slot in f.barSlots where f.barRange(slot).map({ $0.base <= address && address <= $0.limit }) == true {
          out.append((f, slot))
        }
        if f.isBridge, [f.memoryWindow, f.prefetchableWindow].contains(where: { w in
          w.map { $0.base <= address && address <= $0.limit } == true
        }) {
          walk(f.secondary!)
        }
      }
    }
    walk(root)
    return out
  }
}

extension ModelFunction {
  /// Slots holding memory BARs (the lower slot of a 64-bit BAR).
  public var barSlots: [Int] { bars.keys.sorted().filter { barRange($0) != nil } }
}
