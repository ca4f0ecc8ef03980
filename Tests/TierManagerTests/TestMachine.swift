import Firmware
import TierFirmwareSupport
import TierModel

/// A small controller with the devkit board's speeds (boards/devkit.yaml: 250 MHz, time scale
/// 1000: DRAM 1 cycle, flash 20 read / 125 write, disk 3,000), every page mapped in order
/// (DRAM, flash, disk), run by the firmware's tier manager through `TierModelHAL`.
struct TestMachine {
  let hal: TierModelHAL
  var manager: TierManager<TierModelHAL>
  let frames: [Int]
  let epochCycles: UInt32

  init(dram: Int, flash: Int, disk: Int, pages: Int, epochCycles: UInt32 = 100_000, promotionsPerEpoch: Int = 32,
       counters: Int = 1_024) throws {
    frames = [dram, flash, disk]
    self.epochCycles = epochCycles
    let timing = TierTiming.defaults(timeScale: 1000, clockMHz: 250, dramPages: dram, flashPages: flash, diskPages: disk)
    var c = try TierController(timing: timing, pageCount: pages, maxInFlight: 1,
                               hotness: HotnessUnit(counterCapacity: counters, hotListSize: 2 * counters))
    c.mapInOrder()
    hal = TierModelHAL(controller: c)
    manager = try TierManager(hal: hal, baseAddress: hal.baseAddress, frames: frames.map(UInt32.init),
                              settings: TierManagerSettings(epochCycles: epochCycles, promotionsPerEpoch: promotionsPerEpoch))
  }

  var model: TierController { hal.controller }

  /// Pages the model's own map (not the firmware's shadow) puts in DRAM.
  var pagesInDRAM: Set<Int> {
    Set(model.pageMap.indices.filter { model.pageMap[$0].valid && model.pageMap[$0].location.tier == .dram })
  }

  /// Lets time pass to just after the current epoch's hot list is complete, then services.
  mutating func finishEpoch<P: TierPolicy>(_ policy: inout P) {
    hal.wait(cycles: 0)  // lets the model close epochs that have already ended
    let next = model.hotness.epochEnd + 64
    hal.wait(cycles: UInt64(max(0, next - model.clock)))
    manager.service(&policy)
  }

  /// Reads or writes one beat of `page` and services the manager after it.
  @discardableResult
  mutating func touch<P: TierPolicy>(_ page: Int, word: Int = 0, write: UInt64? = nil, _ policy: inout P) -> MemoryResponse {
    let address = UInt64(page << model.timing.pageShift + word * 8)
    let r = hal.controller.access(write.map { .write(address, [$0]) } ?? .read(address))
    manager.service(&policy)
    return r
  }
}

/// Pages ranked by how often `trace` touches them, most first (ties: lower page first).
func pagesByCount(_ trace: [TraceAccess]) -> [Int] {
  var count: [Int: Int] = [:]
  for a in trace { count[a.page, default: 0] += 1 }
  return count.keys.sorted { count[$0]! != count[$1]! ? count[$0]! > count[$1]! : $0 < $1 }
}

/// A policy that plays back moves given per epoch, for testing the manager alone.
struct ScriptedPolicy: TierPolicy {
  let hotThreshold: UInt32 = 1
  var script: [Int: [TierMove]]
  var seen: [(epoch: Int, hot: [HotPage])] = []

  mutating func plan(epoch: Int, hot: [HotPage], placement: TierPlacement) -> [TierMove] {
    seen.append((epoch, hot))
    return script[epoch] ?? []
  }
}
