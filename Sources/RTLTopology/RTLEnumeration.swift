import Cores
import Firmware
import FirmwareSimulation
import Simulation

/// What one enumeration of a topology on the RTL did.
public struct RTLEnumerationResult {
  public var tree: DeviceTree
  /// Clock cycles from the first configuration request to the last.
  public var cycles: UInt64
  /// Configuration requests the firmware issued, and how many completed with CRS.
  public var configurationRequests: Int
  public var retryCompletions: Int
  /// The configuration path the firmware used, for reading the hierarchy back afterwards.
  public let access: any ConfigurationAccess
}

/// Why enumeration on the RTL did not give a device tree.
public enum RTLEnumerationError: Error, CustomStringConvertible {
  case enumeration(EnumerationError)
  /// Management-port accesses that were never answered or answered with an error.
  case managementFaults([String])

  public var description: String {
    switch self {
    case .enumeration(let e): return "enumeration failed: \(e.description)"
    case .managementFaults(let f): return "the management port failed:\n" + f.joined(separator: "\n")
    }
  }
}

/// Resets the model and runs the firmware's `enumerate` on the topology whose root switch's
/// management port is `<prefix>_mgmt`, through `SwitchConfigurationAccess` on a `SimulatedHAL`,
/// as the management core does. Every topology on the model is reset with it.
/// CFG_TIMEOUT keeps its reset value: an empty slot is a downstream port whose link is down,
/// which answers with Unsupported Request at once (§2.9.1), so only a device that never
/// answers costs the timeout. Through three switches a completion takes under 100 cycles.
public func enumerateOnRTL(_ system: SimulatedSystem, prefix: String, options: EnumerationOptions = EnumerationOptions()) throws(RTLEnumerationError) -> RTLEnumerationResult {
  system.model.reset()
  let hal: SimulatedHAL
  do {
    hal = try SimulatedHAL(system: system, mmio: "\(prefix)_mgmt", registers: 0..<UInt64(1 << SwitchManagementMap.addressWidth))
  } catch {
    throw .managementFaults(["\(prefix)_mgmt: \(error)"])
  }
  let access = CountingAccess(SwitchConfigurationAccess(hal: hal, base: 0))
  let start = system.cycle
  let tree: DeviceTree
  do { tree = try enumerate(access, options: options) } catch { throw .enumeration(error) }
  guard hal.faults.isEmpty else { throw .managementFaults(hal.faults) }
  return RTLEnumerationResult(tree: tree, cycles: system.cycle - start, configurationRequests: access.requests,
                              retryCompletions: access.retries, access: access)
}

/// Counts the requests passing through and the CRS completions among them.
final class CountingAccess<Inner: ConfigurationAccess>: ConfigurationAccess {
  let inner: Inner
  private(set) var requests = 0
  private(set) var retries = 0

  init(_ inner: Inner) { self.inner = inner }

  func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
    let r = inner.read32(bdf, offset: offset, byteEnables: byteEnables)
    count(r.status)
    return r
  }

  func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus {
    let status = inner.write32(bdf, offset: offset, value, byteEnables: byteEnables)
    count(status)
    return status
  }

  func wait(cycles: UInt64) { inner.wait(cycles: cycles) }

  private func count(_ status: CompletionStatus) {
    requests += 1
    if status == .configurationRetry { retries += 1 }
  }
}
