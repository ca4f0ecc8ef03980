import Firmware
import TierModel

/// A tiering workload on one node of a `World`, all of it on the RTL:
///
/// 1. the node's firmware (through its `SimulatedHAL`) maps the first `pages` pages of the unified
///    space in order over `frames` frames (DRAM first, then flash, then disk; `mapPagesInOrder`
///    waits for the controller's map clear, so the rest of the map is invalid without being
///    written) and starts the `TierManager` with `HotListPolicy`;
/// 2. the host (the node's root complex, `PCIeLocalSide`) reads and writes 32-bit words of those
///    pages through the tier function's BAR 0, one access at a time, in the order of `trace`,
///    and the manager is serviced after each access, as firmware polling between them would:
///    each epoch it drains the hot list and migrates pages by DMA;
/// 3. every read is compared with a shadow of what the host wrote (0 where nothing was, as the
///    stores start empty), so a migration that lost or misplaced data shows as a mismatch.
///
/// Which tier served the host is counted at the backing stores (`requestAccesses`), not taken
/// from the firmware's own view of the map.
public struct TierWorkload {
  /// Pages of the unified space the workload uses, from page 0; the rest of the map stays unmapped.
  public var pages: Int
  /// Frames the firmware manages per tier (DRAM, flash, disk); their sum must cover `pages`.
  public var frames: [UInt32]
  public var trace: [TraceAccess]
  public var settings: TierManagerSettings
  public var seed: UInt64

  public init(pages: Int, frames: [UInt32], trace: [TraceAccess], settings: TierManagerSettings, seed: UInt64) {
    self.pages = pages
    self.frames = frames
    self.trace = trace
    self.settings = settings
    self.seed = seed
  }

  /// What the workload did; `failure` names what stopped it, if anything did.
  public struct Outcome {
    public var accesses = 0
    public var reads = 0
    public var writes = 0
    /// Reads compared with the shadow, and those that differed.
    public var checkedReads = 0
    public var mismatches = 0
    public var statistics = TierManagerStatistics()
    /// Host accesses each store served (DRAM, flash, disk), counted at the stores.
    public var servedBy = [0, 0, 0]
    /// Cycles from the first host access to the last copy's completion.
    public var cycles: UInt64 = 0
    /// Cycles the page-map set-up and the manager's start took (register accesses only).
    public var setupCycles: UInt64 = 0
    /// Pages in the controller's map, and the entries the manager read at start (MAP_EXTENT).
    public var mapPages: UInt32 = 0
    public var pagesScanned: UInt32 = 0
    public var failure: String?

    public init() {}

    /// The share of host accesses DRAM served.
    public var dramHitRatio: Double { Double(servedBy[0]) / Double(max(servedBy.reduce(0, +), 1)) }
  }

  /// Runs on `node`, whose tier controller has its registers at `registers` (the management
  /// window's `NodeAddressMap.tierController`) and its unified space at `space` (BAR 0 as
  /// enumeration placed it). The node's HAL must not be in use by other firmware meanwhile.
  public func run(on node: WorldNode, registers: UInt64, space: UInt64) -> Outcome {
    var out = Outcome()
    guard node.stores.count == 3 else {
      out.failure = "node \(node.index) has no backing stores on its tier controller's ports"
      return out
    }
    let hal = node.hal
    // A disk access waits for its store (thousands of cycles), and behind a page copy on it.
    let timeout = hal.timeoutCycles
    hal.timeoutCycles = max(timeout, 100_000)
    defer { hal.timeoutCycles = timeout }

    let setupStart = hal.cycles
    let control = TierControl(bus: hal, baseAddress: registers)
    let mapped = control.mapPagesInOrder(frames: frames)
    guard mapped >= pages else {
      out.failure = "the frames \(frames) map \(mapped) pages, fewer than the workload's \(pages)"
      return out
    }
    // Only the workload's pages stay mapped: frames beyond them are free for migrations.
    for page in UInt32(pages)..<mapped {
      var index = TierControlRegisters.MapIndex()
      index.page = page
      control.writeMapIndex(index)
      control.writeMapWrite(TierControlRegisters.MapWrite())
    }
    var manager: TierManager<SimulatedHAL>
    do { manager = try TierManager(hal: hal, baseAddress: registers, frames: frames, settings: settings) } catch {
      out.failure = "the tier manager refused the controller: \(error)"
      return out
    }
    var policy = HotListPolicy(pageCount: manager.placement.pageCount)
    manager.start(policy)
    out.setupCycles = hal.cycles - setupStart
    out.mapPages = manager.placement.pageCount
    out.pagesScanned = manager.pagesScanned

    let before = node.stores.map(\.requestAccesses)
    let shift = control.readCapability().pageShift
    var shadow: [UInt64: UInt32] = [:]
    var values = SplitMix64(seed: seed)
    let start = hal.cycles
    for access in trace {
      let address = UInt64(access.page) << UInt64(shift) + UInt64(access.word) * 8
      if access.isWrite {
        let value = UInt32(truncatingIfNeeded: values.next())
        hal.write32(space + address, value)
        shadow[address] = value
        out.writes += 1
      } else {
        let value = hal.read32(space + address)
        out.checkedReads += 1
        if value != shadow[address, default: 0] { out.mismatches += 1 }
        out.reads += 1
      }
      out.accesses += 1
      manager.service(&policy)
    }
    if !manager.finishCopies(&policy, timeoutCycles: 10_000_000) { out.failure = "copies still outstanding after 10,000,000 cycles" }
    // Writes are posted: the last ones may still be on their way to their store.
    func served() -> Int { zip(node.stores.map(\.requestAccesses), before).map { $0 - $1 }.reduce(0, +) }
    var waited = 0
    while served() < out.accesses && waited < 100_000 {
      hal.wait(cycles: 16)
      waited += 16
    }
    out.cycles = hal.cycles - start
    out.statistics = manager.statistics
    out.servedBy = zip(node.stores.map(\.requestAccesses), before).map { $0 - $1 }
    return out
  }
}
