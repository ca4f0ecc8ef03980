import CVerilator
import Foundation
import HDL

/// One instance of a Verilated design, driven cycle by cycle.
///
/// A cycle, as `step` runs it: the inputs written since the last edge are settled with the clock
/// low, the clock rises and the design evaluates, then the clock falls. Outputs read after
/// `settle()` show the design's response to the current inputs before the next edge; read after
/// `step()` they show the registers' new values (combinational outputs of new inputs need another
/// `settle()`). Trace time counts half-cycles: cycle k's settled inputs at 2k, its edge at 2k+1.
///
/// ```swift
/// let fifo = try Model(try Design(top: fifo(depth: 4, width: 8)))
/// let enqValid = try fifo.input("enq_valid"), deqValid = try fifo.output("deq_valid")
/// fifo.reset()
/// enqValid.set(true)
/// fifo.step()
/// fifo.settle()
/// XCTAssertTrue(deqValid.bool)
/// ```
public final class Model {
  public let compiled: CompiledModel
  /// Cycles stepped since the instance was created (reset cycles included).
  public var cycle: Int { steppedCycles }
  @usableFromInline @exclusivity(unchecked) var steppedCycles = 0
  /// The waveform being written, if any.
  public private(set) var tracePath: String?

  // Internal and usableFromInline so `settle` and `step` inline into a bench's loop.
  @usableFromInline let api: strata_model_api
  @usableFromInline let instance: OpaquePointer
  private let table: UnsafePointer<strata_port>
  @usableFromInline let settledFlag: UnsafeMutablePointer<Bool>
  @usableFromInline let clockIndex: UInt32?
  private let resetIndex: UInt32?
  private let resetActiveLow: Bool
  private let clockName: String?
  private let resetName: String?
  /// The instance name, the root scope of its waveforms.
  private let rootName: String

  /// A new instance of `compiled`.
  /// - Parameters:
  ///   - name: the root scope name in waveforms.
  ///   - clock: the clock input `step` toggles (nil for a combinational design).
  ///   - reset: the reset input `reset(cycles:)` drives (nil when there is none).
  ///   - resetActiveLow: whether the reset is asserted by 0.
  public init(_ compiled: CompiledModel, name: String = "TOP", clock: String? = "clk", reset: String? = "rst",
              resetActiveLow: Bool = false) throws {
    self.compiled = compiled
    self.rootName = name
    let api = compiled.api.pointee
    self.api = api
    guard let instance = name.withCString({ api.create($0) }) else {
      throw SimulationError.loadFailed(path: compiled.path, reason: "the model could not be created (out of memory)")
    }
    self.instance = instance
    self.table = api.ports(instance)!
    self.settledFlag = .allocate(capacity: 1)
    settledFlag.initialize(to: false)
    let inputs = compiled.ports.enumerated().filter { $0.element.direction == .input }
    func index(of name: String?) -> UInt32? {
      guard let name else { return nil }
      return inputs.first { $0.element.name == name && $0.element.width == 1 }.map { UInt32($0.offset) }
    }
    // A design without the default clock or reset simply has none; a name given explicitly must exist.
    self.clockIndex = index(of: clock)
    self.resetIndex = index(of: reset)
    self.clockName = clock
    self.resetName = reset
    self.resetActiveLow = resetActiveLow
    if let clock, clock != "clk", clockIndex == nil { throw missing("clock", clock) }
    if let reset, reset != "rst", resetIndex == nil { throw missing("reset", reset) }
    if let resetIndex {
      // Hold reset inactive until asked, so a design that is never reset still runs.
      table[Int(resetIndex)].words.storeBytes(of: resetActiveLow ? 1 : 0, as: UInt8.self)
    }
  }

  /// Builds (or finds in the cache) and instantiates `design`.
  public convenience init(_ design: Design, name: String = "TOP", clock: String? = "clk", reset: String? = "rst",
                          resetActiveLow: Bool = false, traceFormat: TraceFormat? = nil, cache: ModelCache = .default) throws {
    try self.init(try CompiledModel.load(design, traceFormat: traceFormat, cache: cache), name: name, clock: clock, reset: reset,
                  resetActiveLow: resetActiveLow)
  }

  deinit {
    api.destroy(instance)
    settledFlag.deallocate()
  }

  public var top: String { compiled.top }
  public var ports: [ModelPort] { compiled.ports }

  // MARK: Ports

  /// The input `name`, for writing; throws listing the nearest names when there is none.
  public func input(_ name: String) throws -> InputPort {
    let (index, port) = try find(name, .input)
    let entry = table[index]
    return InputPort(port, cName: entry.name, storage: entry.words, bytes: Int(entry.storage_bytes), settled: settledFlag)
  }

  /// The output `name` (or an input, to read it back); throws listing the nearest names when there is none.
  public func output(_ name: String) throws -> OutputPort {
    let (index, port) = try find(name, nil)
    let entry = table[index]
    return OutputPort(port, cName: entry.name, storage: entry.words, bytes: Int(entry.storage_bytes))
  }

  /// Writes input `name` (slower than a handle: it looks the name up).
  public func set(_ name: String, _ value: BitVector) throws { try input(name).set(value) }

  /// Reads port `name` (slower than a handle: it looks the name up).
  public func value(_ name: String) throws -> BitVector { try output(name).value }

  private func find(_ name: String, _ direction: ModelPort.Direction?) throws -> (Int, ModelPort) {
    if let index = compiled.ports.firstIndex(where: { $0.name == name && (direction == nil || $0.direction == direction) }) {
      return (index, compiled.ports[index])
    }
    let candidates = compiled.ports.filter { direction == nil || $0.direction == direction }.map(\.name)
    throw SimulationError.unknownPort(name: name, direction: direction, top: top, nearest: nearestNames(to: name, in: candidates))
  }

  // MARK: Time

  /// Settles the design on its current inputs, so outputs show their response before the next edge.
  @inlinable @inline(__always)
  public func settle() {
    api.eval(instance)
    settledFlag.pointee = true
  }

  /// Runs `cycles` clock cycles. Requires a clock.
  @inlinable @inline(__always)
  public func step(_ cycles: Int = 1) {
    guard let clockIndex else { noClock() }
    api.run_cycles(instance, clockIndex, UInt64(cycles), settledFlag.pointee ? 1 : 0)
    settledFlag.pointee = false
    steppedCycles &+= cycles  // counts of cycles cannot reach 2^63
  }

  @usableFromInline @inline(never)
  func noClock() -> Never { preconditionFailure(missing("clock", clockName ?? "clk").description) }

  /// Asserts reset for `cycles` cycles, then releases it and settles. Requires a clock and a reset.
  public func reset(cycles: Int = 2) {
    guard let clockIndex else { preconditionFailure(missing("clock", clockName ?? "clk").description) }
    guard let resetIndex else { preconditionFailure(missing("reset", resetName ?? "rst").description) }
    api.reset(instance, clockIndex, resetIndex, resetActiveLow ? 0 : 1, UInt64(cycles))
    steppedCycles += cycles
    settle()
  }

  /// Simulated time in half-cycles.
  public var time: UInt64 { api.time(instance) }

  // MARK: Waveforms

  /// The waveform format this model writes (`.fst` or `.vcd` files).
  public var traceFormat: TraceFormat { compiled.traceFormat }

  /// Starts writing a waveform to `path` (its folder is created), replacing any open one. The
  /// file's extension must be the model's format (`traceFormat.fileExtension`).
  /// - Parameter scopes: when not empty, only these parts of the hierarchy (and the top-level
  ///   ports) are written; each must be an instance of the design.
  public func startTrace(to path: String, scopes: [TraceScope] = []) throws {
    guard (path as NSString).pathExtension.lowercased() == traceFormat.fileExtension else {
      throw SimulationError.traceFormatMismatch(path: path, format: traceFormat)
    }
    var names: [String] = [], depths: [UInt32] = []
    if !scopes.isEmpty {
      names.append(rootName)
      depths.append(1)
      for scope in scopes {
        names.append(try traceScopePath(scope))
        depths.append(UInt32(clamping: scope.depth ?? Int(Int32.max)))
      }
    }
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    let opened = withCStrings(names) { cNames in
      depths.withUnsafeBufferPointer { api.trace_open(instance, path, UInt32(names.count), cNames, $0.baseAddress) }
    }
    guard opened == 0 else { throw SimulationError.traceFailed(path: path) }
    tracePath = path
    traceScopes = scopes
  }

  /// The scopes the open waveform is limited to (empty: everything).
  public private(set) var traceScopes: [TraceScope] = []

  /// A scope as the trace names it from the root (`TOP.<top module>.<instance path>`), checked
  /// against the design's instances.
  private func traceScopePath(_ scope: TraceScope) throws -> String {
    let topScope = "\(rootName).\(top)"
    var relative = scope.path
    if scope.path == rootName || scope.path == topScope { return scope.path }
    if scope.path.hasPrefix(topScope + ".") { relative = String(scope.path.dropFirst(topScope.count + 1)) }
    if let known = compiled.instancePaths, !known.contains(relative) {
      throw SimulationError.unknownTraceScope(scope: scope.path, top: top, nearest: nearestNames(to: relative, in: known))
    }
    return "\(topScope).\(relative)"
  }

  /// Finishes the waveform, if one is open, and returns its path. Inputs settled since the last
  /// edge are dumped first, so the waveform ends with what a failing check saw.
  @discardableResult
  public func stopTrace() -> String? {
    if tracePath != nil && settledFlag.pointee { api.trace_dump(instance) }
    api.trace_close(instance)
    defer { tracePath = nil; traceScopes = [] }
    return tracePath
  }

  private func missing(_ role: String, _ name: String) -> SimulationError {
    .missingControl(role: role, name: name, top: top)
  }
}

/// `strings` as a C array of C strings, valid inside `body`.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
  let copies = strings.map { strdup($0) }
  defer { copies.forEach { free($0) } }
  let pointers = copies.map { UnsafePointer<CChar>($0) }
  return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
