/// The PCIe switch inside each node: the ports facing the node's own endpoints.
public struct SwitchConfig: Equatable, Sendable {
  /// Local endpoints behind the switch (the tier controller's endpoint among them), 1...8.
  public var downstreamPorts: Int
  /// Lanes per link: 1, 2, 4, 8 or 16.
  public var linkWidth: Int
  /// Transfer rate per lane in GT/s: 2.5, 5.0, 8.0, 16.0 or 32.0 (PCIe generations 1 to 5).
  public var linkSpeedGTs: Double
  /// Largest TLP payload, a power of two in 128...4096 bytes.
  public var maxPayloadBytes: Int

  public init(downstreamPorts: Int, linkWidth: Int, linkSpeedGTs: Double, maxPayloadBytes: Int) {
    self.downstreamPorts = downstreamPorts
    self.linkWidth = linkWidth
    self.linkSpeedGTs = linkSpeedGTs
    self.maxPayloadBytes = maxPayloadBytes
  }
}
