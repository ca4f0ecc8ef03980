import HDL

/// What a model is built from: Verilog files, the top module and its ports. Usually made from
/// an elaborated `Design`; hand-written Verilog works too when its ports are given.
public struct ModelSource: Sendable {
  public let top: String
  public let files: [(name: String, contents: String)]
  public let ports: [ModelPort]

  public init(top: String, files: [(name: String, contents: String)], ports: [ModelPort]) {
    self.top = top
    self.files = files
    self.ports = ports
  }

  public init(_ design: Design) {
    self.init(top: design.top, files: design.verilogFiles(), ports: design.topPorts.map(ModelPort.init))
  }

  var shim: ShimSource { ShimSource(top: top, ports: ports) }
}
