import Board
import Cores
import Firmware
import HDL
import PCIe
import Simulation
import TierModel

/// The nodes of a board on one Verilated `boardTop`, each as its management processor sees it:
///
/// - a `SimulatedHAL` on `mgmt<i>` and `irq<i>`: addresses in the board's management window
///   (`management.mmio_base`, `NodeAddressMap`'s 1 MiB) are register accesses, the node's RAM
///   (`management.ram_base`, `ram_size`) is reached directly, everything else is a memory
///   request from the node's root complex;
/// - a `PCIeLocalSide` on `host<i>_*`: the root complex and the RAM behind it, the link
///   partner of the switch's upstream port (what arrives through an NTB window from another
///   node lands in this RAM);
/// - the local downstream ports `node<i>_pcie<k>_*` (k from 2: port 1 is the node's tier
///   controller, inside the node) are empty slots (`EmptySlot`);
/// - the tier controller's backing stores `node<i>_<dram|flash|disk>_*` are `BackingStoreAgent`s
///   timed from the board's `tiers` (`WorldNode.stores`), when the top has those ports;
/// - every crosslink up (`setCrosslink` takes one down), with the board's
///   `ntb.link_latency_cycles` each way, as `boardTop` builds it.
///
/// Deterministic: one clock (`SimulatedSystem`), agents in a fixed order, firmware run as step
/// functions in node order (`run`), no randomness of its own; the same board, firmware and
/// seed give the same transactions and the same waveform.
public final class World {
  public let board: Board
  public let system: SimulatedSystem
  public let nodes: [WorldNode]
  private let crosslinks: [InputPort]

  /// The management core's Requester ID on its root complex (bus 0, the upstream bridge's
  /// primary bus; completions for it leave the switch on its upstream port).
  public static let coreID = PCIeID(rawValue: 0x0000)

  /// The board's top, as the model must be built (`World(board:model:)` checks its ports).
  public static func design(_ board: Board) throws -> Design { try Design(top: boardTop(board)) }

  /// Attaches to `model`, a Verilated `boardTop(board)`, and resets it with every link up.
  /// Throws, naming the port, when the model is not that board's top.
  public init(board: Board, model: Model) throws {
    self.board = board
    system = SimulatedSystem(model: model)
    let management = board.management
    let registers = management.mmioBase..<(management.mmioBase + (1 << UInt64(NodeAddressMap.addressWidth)))
    let ram = management.ramBase..<(management.ramBase + UInt64(management.ramSize))
    let speed = UInt64(SwitchParameters.linkSpeedEncoding(board)), width = UInt64(board.switchConfig.linkWidth)
    let timing = TierTiming(board: board)
    var nodes: [WorldNode] = []
    for i in 0..<board.nodeCount {
      let side = try PCIeLocalSide(system: system, prefix: "host\(i)", requester: Self.coreID, completer: Self.coreID,
                                   localMemory: ram)
      let hal = try SimulatedHAL(system: system, mmio: "mgmt\(i)", registers: registers, irq: "irq\(i)", pcie: side)
      try model.input("host\(i)_speed").set(speed)
      try model.input("host\(i)_width").set(width)
      try model.input("host\(i)_active").set(true)
      for k in 1...board.switchConfig.downstreamPorts where k > 1 {
        _ = try EmptySlot(system: system, prefix: "node\(i)_pcie\(k)")
      }
      nodes.append(WorldNode(index: i, hal: hal, side: side, stores: try Self.stores(of: i, system: system, timing: timing)))
    }
    self.nodes = nodes
    crosslinks = try board.ntb.links.indices.map { try model.input("crosslink\($0)_up") }
    for link in crosslinks { link.set(true) }
    model.reset()
  }

  public var model: Model { system.model }

  /// Node `i`'s DRAM, flash and disk on its tier controller's store ports; none when the model's
  /// top has no such ports (a board top from before the tier controller was in the node).
  private static func stores(of i: Int, system: SimulatedSystem, timing: TierTiming) throws -> [BackingStoreAgent] {
    guard system.model.ports.contains(where: { $0.name == "node\(i)_\(TierStorePorts.tiers[0])_req_valid" }) else { return [] }
    return try zip(TierStorePorts.tiers, Tier.allCases).map { name, tier in
      try BackingStoreAgent(system: system, prefix: "node\(i)_\(name)", tier: tier, timing: timing)
    }
  }

  /// Plugs or unplugs crosslink `l` (`ntb.links[l]`): both ends see their physical link change.
  public func setCrosslink(_ l: Int, up: Bool) { crosslinks[l].set(up) }

  /// Runs every node's firmware as a step function (`steps[i]` for node i; see `interleave`).
  public func run(maxRounds: Int, _ steps: [() -> Bool]) -> Int? { interleave(maxRounds: maxRounds, steps) }

  /// Where node firmware finds things, from the board (the management window's layout).
  public var layout: NodeLayout {
    NodeLayout(mmioBase: board.management.mmioBase, ramBase: board.management.ramBase,
               ramSize: UInt64(board.management.ramSize), clockMHz: board.clockMHz)
  }
}

/// One node of a `World`: its firmware's HAL, its root complex with RAM and its tier
/// controller's backing stores.
public struct WorldNode {
  public let index: Int
  public let hal: SimulatedHAL
  public let side: PCIeLocalSide
  /// DRAM, flash, disk (`Tier.allCases` order); empty when the board top has no store ports.
  public let stores: [BackingStoreAgent]

  /// The backing store of `tier`; nil when the board top has no store ports.
  public func store(_ tier: Tier) -> BackingStoreAgent? { stores.first { $0.tier == tier } }
}
