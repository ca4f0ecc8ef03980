import TierFirmwareSupport
import TierModel

/// The copies the firmware submitted, decoded from the register accesses `TierModelHAL` logged
/// (the staged DMA_SOURCE, DMA_DESTINATION and DMA_CONTROL at each DMA_SUBMIT write), and the
/// epoch each was submitted in, counted from the HOT_CONTROL write that reset the hotness unit.
/// It uses nothing of the manager's own bookkeeping.
struct SubmittedCopy {
  var cycle: Int
  var epoch: Int
  var page: Int
  var from: FrameAddress
  var to: FrameAddress

  var isPromotion: Bool { to.tier.rawValue < from.tier.rawValue }
}

func submittedCopies(_ log: [TierModelHAL.RegisterAccess], epochCycles: Int) -> [SubmittedCopy] {
  var staged: [TierRegister: UInt32] = [:]
  var start: Int?
  var out: [SubmittedCopy] = []
  for a in log where a.isWrite {
    switch a.register {
    case .hotControl where a.value & HotControlBits.reset != 0:
      start = a.cycle
    case .dmaSource, .dmaDestination, .dmaControl:
      staged[a.register] = a.value
    case .dmaSubmit where a.value & 1 != 0:
      guard let start, let from = FrameAddress(encoded: staged[.dmaSource] ?? 0),
            let to = FrameAddress(encoded: staged[.dmaDestination] ?? 0) else { continue }
      out.append(SubmittedCopy(cycle: a.cycle, epoch: (a.cycle - start) / epochCycles,
                               page: Int((staged[.dmaControl] ?? 0) & 0xFF_FFFF), from: from, to: to))
    default:
      break
    }
  }
  return out
}
