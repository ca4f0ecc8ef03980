import HDL

/// What a model is built from: Verilog files, the top module and its ports. Usually made from
/// an elaborated `Design`; hand-written Verilog works too when its ports are given.
public struct ModelSource: Sendable {
  public let top: String
  public let files: [(name: String, contents: String)]
  public let ports: [ModelPort]
  /// The waveform format compiled into the library.
  public var traceFormat: TraceFormat
  /// The instances below the top (`Design.instancePaths`), to check trace scopes against;
  /// nil when unknown (hand-written Verilog), and then scopes are not checked.
  public var instancePaths: [String]?
  /// How the model's C++ is compiled (`-O2` unless a test asks for a quicker build).
  public var optimization: BuildOptimization = .simulationSpeed

  public init(top: String, files: [(name: String, contents: String)], ports: [ModelPort], traceFormat: TraceFormat = .fst,
              instancePaths: [String]? = nil) {
    self.top = top
    self.files = files
    self.ports = ports
    self.traceFormat = traceFormat
    self.instancePaths = instancePaths
  }

  public init(_ design: Design, traceFormat: TraceFormat = .fst, optimization: BuildOptimization = .simulationSpeed) {
    self.init(top: design.top, files: design.verilogFiles(), ports: design.topPorts.map(ModelPort.init),
              traceFormat: traceFormat, instancePaths: design.instancePaths)
    self.optimization = optimization
  }

  var shim: ShimSource { ShimSource(top: top, ports: ports, traceFormat: traceFormat) }
}
