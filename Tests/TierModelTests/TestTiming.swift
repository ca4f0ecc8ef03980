@testable import TierModel

/// Small tiers with the devkit board's speeds (boards/devkit.yaml): 100 ns DRAM, 80 µs/500 µs
/// flash, 12 ms disk, time scale 1000, 250 MHz.
func smallTiming(dram: Int = 32, flash: Int = 64, disk: Int = 128, timeScale: Int = 1000) -> TierTiming {
  TierTiming.defaults(timeScale: timeScale, dramPages: dram, flashPages: flash, diskPages: disk)
}

/// A controller with `pages` pages mapped in order (DRAM first).
func mappedController(pages: Int, timing: TierTiming = smallTiming(), hotness: HotnessUnit = HotnessUnit()) -> TierController {
  var c = try! TierController(timing: timing, pageCount: pages, hotness: hotness)
  c.mapInOrder()
  return c
}

func address(page: Int, word: Int = 0, pageSize: Int = 4096) -> UInt64 { UInt64(page * pageSize + word * 8) }
