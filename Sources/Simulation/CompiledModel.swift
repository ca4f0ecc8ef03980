import CVerilator
import Foundation
import HDL
#if canImport(Glibc)
import Glibc
#endif

/// A design built by Verilator and loaded into this process: the library behind any number of
/// `Model` instances. Each design is built (or found in the cache) and loaded once per process.
public final class CompiledModel: @unchecked Sendable {
  public let top: String
  public let ports: [ModelPort]
  /// The shared library file.
  public let path: String
  let api: UnsafePointer<strata_model_api>

  private static let loaded = NSLock()
  nonisolated(unsafe) private static var byKey: [String: CompiledModel] = [:]

  /// The waveform format the library writes.
  public let traceFormat: TraceFormat
  /// The design's instance paths, when known (trace scopes are checked against them).
  public let instancePaths: [String]?

  /// Builds `design` (unless the cache has it) and loads it.
  /// - Parameter traceFormat: the waveform format compiled in; nil for STRATA_TRACE_FORMAT, else FST.
  /// - Parameter optimization: `.buildTime` for a large design run briefly (see `BuildOptimization`).
  public static func load(_ design: Design, traceFormat: TraceFormat? = nil, optimization: BuildOptimization = .simulationSpeed,
                          cache: ModelCache = .default) throws -> CompiledModel {
    try load(ModelSource(design, traceFormat: try traceFormat ?? TraceFormat.fromEnvironment(), optimization: optimization), cache: cache)
  }

  /// Builds `source` (unless the cache has it) and loads it; a library that fails to load is
  /// rebuilt once, since a damaged cache entry is the likely cause.
  public static func load(_ source: ModelSource, cache: ModelCache = .default) throws -> CompiledModel {
    let key = try ModelCache.key(for: source)
    loaded.lock()
    defer { loaded.unlock() }
    if let model = byKey[key] { return model }
    let model: CompiledModel
    do {
      model = try CompiledModel(path: try cache.library(for: source).path, source: source)
    } catch SimulationError.loadFailed {
      model = try CompiledModel(path: try cache.library(for: source, rebuild: true).path, source: source)
    }
    byKey[key] = model
    return model
  }

  private init(path: String, source: ModelSource) throws {
    // Local binding keeps each design's copy of the Verilator runtime to itself.
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      throw SimulationError.loadFailed(path: path, reason: String(cString: dlerror()))
    }
    guard let symbol = dlsym(handle, "strata_model_api_v1") else {
      throw SimulationError.loadFailed(path: path, reason: "it does not export strata_model_api_v1")
    }
    typealias Entry = @convention(c) () -> UnsafePointer<strata_model_api>
    let api = unsafeBitCast(symbol, to: Entry.self)()
    guard api.pointee.abi_version == ModelABI.version else {
      throw SimulationError.loadFailed(path: path, reason: "it implements ABI \(api.pointee.abi_version), not \(ModelABI.version)")
    }
    guard String(cString: api.pointee.top) == source.top, Int(api.pointee.port_count) == source.ports.count else {
      throw SimulationError.loadFailed(path: path, reason: "it holds `\(String(cString: api.pointee.top))` "
                                       + "with \(api.pointee.port_count) ports, not `\(source.top)` with \(source.ports.count)")
    }
    guard api.pointee.trace_format == (source.traceFormat == .fst ? STRATA_TRACE_FST : STRATA_TRACE_VCD).rawValue else {
      throw SimulationError.loadFailed(path: path, reason: "it writes trace format \(api.pointee.trace_format), not \(source.traceFormat)")
    }
    self.top = source.top
    self.ports = source.ports
    self.traceFormat = source.traceFormat
    self.instancePaths = source.instancePaths
    self.path = path
    self.api = api
    // The library stays loaded for the life of the process: instances may outlive this object's users.
  }
}
