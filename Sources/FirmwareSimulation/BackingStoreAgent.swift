import Simulation
import TierModel

/// One backing store (DRAM, flash or disk) on a Verilated tier controller's store ports, as a
/// `CycleAgent`: the request path's port (`<prefix>_req_*`, `_wdata_*`, `_rsp_*`) and the DMA
/// engine's copy channels (`<prefix>_rd_*`, `<prefix>_wr_*`), named as `tierController` names them
/// after `<tier>_` (`tier_dram` on a node, `node0_dram` on a board top).
///
/// Timing comes from the board file through `TierTiming` (`TierTiming(board:)` in Cores):
/// - a read's first beat leaves `readLatency(tier)` cycles after its request (time-scaled by
///   `tiers.time_scale`); a write is acknowledged `writeLatency(tier)` cycles after its last beat;
/// - beats move at the tier's bandwidth, shared by the three channels: one 8-byte beat per
///   `clock_mhz · 8 / bandwidth_mbps` cycles, at most one a cycle per channel (bandwidth is a property of the
///   link and is not time-scaled, as in `TierTiming.transferCycles`).
/// Each channel serves one request at a time, as the controller issues them.
///
/// Faults (`faultyFrames`, `failNextAccesses`, as `TierModel.BackingStore` has them): a failing
/// read answers one beat with `error` (and `last`), data 0; a failing write takes its beats,
/// stores nothing and answers with `error`. Data is sparse 64-bit words; unwritten words read 0.
///
/// All outputs to the model come from the agent's state (Moore), so `drive` may run several
/// times in a cycle (`SimulatedHAL.waitForInterrupt` settles repeatedly); `sample` acts once per clock edge.
public final class BackingStoreAgent: CycleAgent {
  public let tier: Tier
  public let prefix: String
  public let readLatency: Int
  public let writeLatency: Int
  /// Cycles per beat at the tier's bandwidth (below 1: a beat every cycle).
  public let cyclesPerBeat: Double
  /// Frames whose every access fails until removed.
  public var faultyFrames: Set<Int> = []
  /// The next this many accesses fail, whatever frame they touch.
  public var failNextAccesses = 0
  /// Accesses served (request-path reads and writes, DMA reads and writes), for tests and figures.
  public private(set) var accesses = 0
  /// Of those, the request path's (the host's reads and writes of the unified space; the rest are
  /// the DMA engine's copies): which store served the host, for hit ratios.
  public private(set) var requestAccesses = 0
  /// Accesses that failed by fault injection.
  public private(set) var failedAccesses = 0

  private let wordsPerPage: Int
  private var words: [Int: UInt64] = [:]
  private var now = 0
  /// The earliest cycle the link carries the next beat.
  private var nextBeatAt = 0.0

  /// A request being served: where, how many beats, when its answer may start, what has moved.
  private struct Job {
    var frame: Int, word: Int, beats: Int, fails: Bool
    var write = false
    var readyAt = Int.max
    var moved = 0
    var data: [(UInt64, UInt8)] = []
  }
  private var hostJob: Job?
  private var readJob: Job?
  private var writeJob: Job?

  private let req: Channel, wdata: Channel, rsp: Channel, rd: Channel, rdData: Channel, wr: Channel, wrData: Channel, ack: Channel

  /// Attaches to `system`'s model at the ports `<prefix>_*`. Throws, naming the port, when one is missing.
  public init(system: SimulatedSystem, prefix: String, tier: Tier, timing: TierTiming) throws {
    self.tier = tier
    self.prefix = prefix
    readLatency = timing.readLatency(tier)
    writeLatency = timing.writeLatency(tier)
    cyclesPerBeat = Double(timing.beatBytes * timing.clockMHz) / Double(max(timing.spec(tier).bandwidthMBps, 1))
    wordsPerPage = timing.wordsPerPage
    let model = system.model
    func channel(_ name: String, valid: String, ready: String, into: [String], outOf: [String]) throws -> Channel {
      try Channel(model, "\(prefix)_\(name)", valid: valid, ready: ready, into: into, outOf: outOf)
    }
    // `into`: ports the agent drives; `outOf`: ports it reads.
    req = try channel("req", valid: "valid", ready: "ready", into: [], outOf: ["write", "frame", "word", "beats"])
    wdata = try channel("wdata", valid: "valid", ready: "ready", into: [], outOf: ["data", "strobe"])
    rsp = try channel("rsp", valid: "valid", ready: "ready", into: ["data", "last", "error"], outOf: [])
    rd = try channel("rd_req", valid: "valid", ready: "ready", into: [], outOf: ["frame", "beats"])
    rdData = try channel("rd_data", valid: "valid", ready: "ready", into: ["", "last", "error"], outOf: [])
    wr = try channel("wr_req", valid: "valid", ready: "ready", into: [], outOf: ["frame", "beats"])
    wrData = try channel("wr_data", valid: "valid", ready: "ready", into: [], outOf: ["", "strobe"])
    ack = try channel("wr_ack", valid: "valid", ready: "ready", into: ["error"], outOf: [])
    system.attach(self)
  }

  // MARK: Data, for tests and for loading a store before a run

  public func word(frame: Int, at index: Int) -> UInt64 { words[frame * wordsPerPage + index] ?? 0 }

  public func setWord(frame: Int, at index: Int, _ value: UInt64) { words[frame * wordsPerPage + index] = value == 0 ? nil : value }

  /// The frame's words.
  public func page(_ frame: Int) -> [UInt64] { (0..<wordsPerPage).map { word(frame: frame, at: $0) } }

  // MARK: CycleAgent

  public func drive() {
    let beatFree = Double(now) >= nextBeatAt
    req.offerReady(hostJob == nil)
    readyToTake(wdata, hostJob.map { $0.write && $0.data.count < $0.beats } ?? false, beatFree)
    if let job = hostJob, now >= job.readyAt, job.write || beatFree {
      rsp.offer(["data": job.write || job.fails ? 0 : word(frame: job.frame, at: job.word + job.moved),
                 "last": job.write || job.fails || job.moved == job.beats - 1 ? 1 : 0, "error": job.fails ? 1 : 0])
    } else {
      rsp.withdraw()
    }
    rd.offerReady(readJob == nil)
    if let job = readJob, now >= job.readyAt, beatFree {
      rdData.offer(["": job.fails ? 0 : word(frame: job.frame, at: job.moved), "last": job.fails || job.moved == job.beats - 1 ? 1 : 0,
                    "error": job.fails ? 1 : 0])
    } else {
      rdData.withdraw()
    }
    wr.offerReady(writeJob == nil)
    readyToTake(wrData, writeJob.map { $0.data.count < $0.beats } ?? false, beatFree)
    if let job = writeJob, job.data.count == job.beats, now >= job.readyAt {
      ack.offer(["error": job.fails ? 1 : 0])
    } else {
      ack.withdraw()
    }
  }

  public func sample() {
    defer { now += 1 }
    // Requests.
    if hostJob == nil && req.fires {
      var job = started(frame: Int(req.value("frame")), word: Int(req.value("word")), beats: Int(req.value("beats")))
      job.write = req.value("write") == 1
      requestAccesses += 1
      if !job.write { job.readyAt = now + readLatency }
      hostJob = job
    }
    if readJob == nil && rd.fires {
      var job = started(frame: Int(rd.value("frame")), word: 0, beats: Int(rd.value("beats")))
      job.readyAt = now + readLatency
      readJob = job
    }
    if writeJob == nil && wr.fires { writeJob = started(frame: Int(wr.value("frame")), word: 0, beats: Int(wr.value("beats"))) }
    // Data into the store.
    if var job = hostJob, job.write, wdata.fires {
      job.data.append((wdata.value("data"), UInt8(truncatingIfNeeded: wdata.value("strobe"))))
      if job.data.count == job.beats { job.readyAt = now + writeLatency }
      useBeat()
      hostJob = job
    }
    if var job = writeJob, wrData.fires {
      job.data.append((wrData.value(""), UInt8(truncatingIfNeeded: wrData.value("strobe"))))
      if job.data.count == job.beats { job.readyAt = now + writeLatency }
      useBeat()
      writeJob = job
    }
    // Answers out of the store.
    if var job = hostJob, rsp.fires {
      if job.write {
        store(job)
        hostJob = nil
      } else {
        useBeat()
        job.moved += 1
        hostJob = job.fails || job.moved == job.beats ? nil : job
      }
    }
    if var job = readJob, rdData.fires {
      useBeat()
      job.moved += 1
      readJob = job.fails || job.moved == job.beats ? nil : job
    }
    if let job = writeJob, ack.fires {
      store(job)
      writeJob = nil
    }
  }

  // MARK: Helpers

  private func started(frame: Int, word: Int, beats: Int) -> Job {
    accesses += 1
    let fails = faultyFrames.contains(frame) || failNextAccesses > 0
    if failNextAccesses > 0 && !faultyFrames.contains(frame) { failNextAccesses -= 1 }
    if fails { failedAccesses += 1 }
    return Job(frame: frame, word: word, beats: max(beats, 1), fails: fails)
  }

  private func store(_ job: Job) {
    guard !job.fails else { return }
    for (i, (data, strobe)) in job.data.enumerated() {
      var mask: UInt64 = 0
      for byte in 0..<8 where strobe >> byte & 1 == 1 { mask |= 0xFF << UInt64(8 * byte) }
      setWord(frame: job.frame, at: job.word + i, word(frame: job.frame, at: job.word + i) & ~mask | data & mask)
    }
  }

  private func useBeat() { nextBeatAt = max(nextBeatAt, Double(now)) + cyclesPerBeat }

  private func readyToTake(_ channel: Channel, _ wants: Bool, _ beatFree: Bool) { channel.offerReady(wants && beatFree) }
}

/// One ready/valid channel of a store port: `<name>_valid`/`<name>_ready` and its payload
/// ports (`<name>_<field>`, or `<name>` itself for the field ""), seen from the store.
private final class Channel {
  let name: String
  private let validIn: InputPort?, validOut: OutputPort?
  private let readyIn: InputPort?, readyOut: OutputPort?
  private var driven: [String: InputPort] = [:]
  private var read: [String: OutputPort] = [:]
  /// What the store drove this cycle: valid (when it sends) or ready (when it receives).
  private var offered = false

  init(_ model: Model, _ name: String, valid: String, ready: String, into: [String], outOf: [String]) throws {
    self.name = name
    func port(_ field: String) -> String { field.isEmpty ? name : "\(name)_\(field)" }
    let sends = !into.isEmpty
    validIn = sends ? try model.input(port(valid)) : nil
    validOut = sends ? nil : try model.output(port(valid))
    readyIn = sends ? nil : try model.input(port(ready))
    readyOut = sends ? try model.output(port(ready)) : nil
    for field in into { driven[field] = try model.input(port(field)) }
    for field in outOf { read[field] = try model.output(port(field)) }
  }

  /// The store sends: valid and the fields.
  func offer(_ fields: [String: UInt64]) {
    offered = true
    validIn?.set(true)
    for (field, value) in fields {
      do { try driven[field]?.set(value) } catch { preconditionFailure("\(name)_\(field) refused \(value): \(error)") }
    }
  }

  func withdraw() {
    offered = false
    validIn?.set(false)
  }

  /// The store receives: ready.
  func offerReady(_ ready: Bool) {
    offered = ready
    readyIn?.set(ready)
  }

  /// A transfer in this (settled) cycle.
  var fires: Bool { offered && (validOut?.bool ?? readyOut?.bool ?? false) }

  func value(_ field: String) -> UInt64 { read[field]?.uint64 ?? 0 }
}
