import Simulation
import TierModel

/// Plays firmware and host on the Verilated `tier_system` (the controller with three test
/// stores, `TierControllerSystemTests.systemTop()`): register accesses through `mmio_*` (zero
/// wait states) and one request at a time through the request port, each waiting for its
/// handshakes and its response, so the bench is closed-loop and never paces by fixed gaps.
final class ControllerDriver {
  struct Stuck: Error, CustomStringConvertible { let description: String }

  let model: Model
  /// Cycles an access may wait for its response (a write to a migrating page waits for a copy).
  var timeout = 50_000
  /// Cycles from presenting the latest request to its response.
  private(set) var lastAccessCycles = 0
  private let mmioValid, mmioWrite, mmioAddress, mmioWdata, mmioStrobe: InputPort
  private let mmioRdata: OutputPort
  private let reqValid, reqWrite, reqAddress, reqBeats, wdataValid, wdataData, wdataStrobe, rspReady: InputPort
  private let reqReady, wdataReady, rspValid, rspData, rspStatus: OutputPort
  private let faultValid, faultFrame: [InputPort]

  init(_ model: Model) throws {
    self.model = model
    (mmioValid, mmioWrite, mmioAddress) = (try model.input("mmio_valid"), try model.input("mmio_write"), try model.input("mmio_address"))
    (mmioWdata, mmioStrobe, mmioRdata) = (try model.input("mmio_wdata"), try model.input("mmio_strobe"), try model.output("mmio_rdata"))
    (reqValid, reqWrite, reqAddress, reqBeats) = (try model.input("req_valid"), try model.input("req_write"), try model.input("req_address"),
                                                  try model.input("req_beats"))
    (wdataValid, wdataData, wdataStrobe) = (try model.input("wdata_valid"), try model.input("wdata_data"), try model.input("wdata_strobe"))
    (rspReady, reqReady, wdataReady) = (try model.input("rsp_ready"), try model.output("req_ready"), try model.output("wdata_ready"))
    (rspValid, rspData, rspStatus) = (try model.output("rsp_valid"), try model.output("rsp_data"), try model.output("rsp_status"))
    faultValid = try ["dram", "flash", "disk"].map { try model.input("\($0)_fault_valid") }
    faultFrame = try ["dram", "flash", "disk"].map { try model.input("\($0)_fault_frame") }
    rspReady.set(true)
  }

  func write(_ register: TierRegister, _ value: UInt32) throws {
    try mmioAddress.set(register.rawValue)
    try mmioWdata.set(UInt64(value))
    try mmioStrobe.set(0xF)
    mmioValid.set(true)
    mmioWrite.set(true)
    model.step()
    mmioValid.set(false)
    // A turnaround cycle, as any bus has between accesses: MAP_ENTRY shows the page MAP_INDEX
    // named a cycle earlier (the map's view port is a synchronous read).
    model.step()
  }

  func read(_ register: TierRegister) throws -> UInt32 {
    try mmioAddress.set(register.rawValue)
    mmioValid.set(true)
    mmioWrite.set(false)
    model.settle()
    let value = UInt32(truncatingIfNeeded: mmioRdata.uint64)
    model.step()
    mmioValid.set(false)
    return value
  }

  /// Polls MAP_CONTROL until CLEAR reads 0, as firmware does after reset: the map is being
  /// cleared (one entry a cycle) and refuses MAP_WRITE until then.
  func waitForMapReady() throws {
    for _ in 0..<(1 << 20) where try read(.mapControl) & MapControlBits.clear == 0 { return }
    throw Stuck(description: "MAP_CONTROL.CLEAR still reads 1 after 2^20 polls (cycle \(model.cycle))")
  }

  /// One single-beat request; returns the response's status code (`MemoryStatus` order: 0 ok,
  /// 1 page fault, 2 store error, 3 bad request) and data.
  func access(_ request: MemoryRequest) throws -> (status: UInt64, data: UInt64) {
    precondition(request.beats == 1, "the driver moves single beats")
    reqValid.set(true)
    reqWrite.set(request.isWrite)
    try reqAddress.set(request.address)
    try reqBeats.set(1)
    if request.isWrite {
      wdataValid.set(true)
      try wdataData.set(request.data[0])
      try wdataStrobe.set(UInt64(request.byteEnables[0]))
    }
    var requestTaken = false, dataTaken = !request.isWrite
    for waited in 0..<timeout {
      model.settle()
      let requestFires = !requestTaken && reqReady.bool
      let dataFires = !dataTaken && wdataReady.bool
      let response = rspValid.bool ? (rspStatus.uint64, rspData.uint64) : nil
      model.step()
      if requestFires { requestTaken = true; reqValid.set(false) }
      if dataFires { dataTaken = true; wdataValid.set(false) }
      if let r = response { lastAccessCycles = waited + 1; return r }
    }
    throw Stuck(description: "no response to \(request.isWrite ? "a write" : "a read") of \(request.address) within \(timeout) cycles (cycle \(model.cycle))")
  }

  /// Makes `frame` of `tier`'s test store fail every access (nil: none fails).
  func failFrame(_ frame: Int?, of tier: Tier) throws {
    faultValid[Int(tier.rawValue)].set(frame != nil)
    try faultFrame[Int(tier.rawValue)].set(UInt64(frame ?? 0))
  }

  /// Polls COMPLETION_TAIL every few cycles until it moves past `head`.
  func waitForCompletion(head: UInt32) throws {
    for _ in 0..<(timeout / 8) {
      if try read(.completionTail) != head { return }
      model.step(7)
    }
    throw Stuck(description: "no completion within \(timeout) cycles (cycle \(model.cycle))")
  }
}
