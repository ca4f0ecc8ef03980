/// One function of a topology file as written, with the line it was written on: what a
/// builder other than the Swift model (the RTL one, `RTLTopology`) reads, so that it can refuse
/// what it cannot build by naming the line.
public struct TopologyFunction: Sendable {
  public enum Kind: Equatable, Sendable {
    case endpoint
    case bridge(ModelFunction.PortType)
  }

  /// One BAR entry of `bars:` and its line.
  public struct BAR: Sendable {
    public var slot: Int
    public var bar: ModelFunction.BAR
    public var line: Int
  }

  public var name: String
  public var device: Int
  public var function: Int
  public var line: Int
  public var column: Int
  public var kind: Kind
  public var vendor: Int
  public var deviceID: Int
  /// Endpoints only (a bridge's class is 060400h).
  public var classCode: Int
  /// In slot order.
  public var bars: [BAR]
  /// Max_Payload_Size Supported in bytes; nil: conventional PCI (no PCI Express capability).
  public var maxPayload: Int?
  public var readyAfterCycles: Int
  /// Bridges only.
  public var prefetchable: ModelFunction.PrefetchableWindow
  /// The functions on a bridge's secondary bus (empty: nothing attached).
  public var below: [TopologyFunction]
}
