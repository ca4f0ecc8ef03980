import HDL

/// A top-level port of a simulated design, as the shim and the port handles see it.
public struct ModelPort: Hashable, Sendable {
  public enum Direction: String, Sendable { case input, output }
  public let name: String
  public let width: Int
  public let direction: Direction

  public init(name: String, width: Int, direction: Direction) {
    self.name = name
    self.width = width
    self.direction = direction
  }

  init(_ port: HDL.ModulePort) {
    self.init(name: port.name, width: port.width, direction: port.direction == .input ? .input : .output)
  }
}
