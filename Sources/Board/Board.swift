import Foundation

/// A board: its nodes, how they are joined, their memory tiers, the management processor,
/// the flash layout and the cable that programs it. Read from `boards/<name>.yaml`; the
/// file format is described in the header of `boards/devkit.yaml`.
///
/// A `Board` value from `load` or `parse` is always whole and valid: a file with any
/// mistake is refused with a `BoardError`, never returned in part.
public struct Board: Equatable, Sendable {
  /// `[a-z0-9_-]+`, used in generated file and directory names.
  public var name: String
  /// Written into firmware image headers so an image cannot be flashed to the wrong board.
  public var id: UInt16
  /// Core clock of the switch and tier RTL.
  public var clockMHz: Int
  /// Width of the internal datapath: 64, 128 or 256 bits.
  public var datapathBits: Int
  /// Nodes on the board, 1...8; nodes are numbered 0..<nodeCount.
  public var nodeCount: Int
  public var switchConfig: SwitchConfig
  public var ntb: NTBConfig
  public var tiers: TierConfig
  public var management: ManagementConfig
  public var flash: FlashLayout
  public var cable: FTDICable

  public init(
    name: String, id: UInt16, clockMHz: Int, datapathBits: Int, nodeCount: Int,
    switchConfig: SwitchConfig, ntb: NTBConfig, tiers: TierConfig,
    management: ManagementConfig, flash: FlashLayout, cable: FTDICable
  ) {
    self.name = name
    self.id = id
    self.clockMHz = clockMHz
    self.datapathBits = datapathBits
    self.nodeCount = nodeCount
    self.switchConfig = switchConfig
    self.ntb = ntb
    self.tiers = tiers
    self.management = management
    self.flash = flash
    self.cable = cable
  }
}

extension Board {
  /// Reads and validates the board file at `path`. Errors name `path` as given.
  public static func load(path: String) throws(BoardError) -> Board {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw BoardError(file: path, line: 0, column: 0, message: "cannot read the board file: \(readFailureReason(path))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw BoardError(file: path, line: 0, column: 0, message: "the board file is not UTF-8 text")
    }
    return try parse(yaml: text, file: path)
  }

  /// Parses and validates a board description; `file` is the name errors report.
  public static func parse(yaml: String, file: String) throws(BoardError) -> Board {
    try BoardDecoder.decode(yaml: yaml, file: file)
  }

  /// `boards/devkit.yaml` in the nearest directory, starting at the current directory and
  /// going up through its parents, that has one, so the tools work from anywhere inside
  /// the package (`swift run` and `swift test` start at the package root). When no
  /// directory has one the relative path `boards/devkit.yaml` is returned unchanged and
  /// `load` reports it missing.
  public static var defaultBoardPath: String {
    boardPath(named: "devkit")
  }

  /// Loads `boards/<name>.yaml`, found by the same search as `defaultBoardPath`
  /// (`strata --board cluster4`).
  public static func load(named name: String) throws(BoardError) -> Board {
    try load(path: boardPath(named: name))
  }

  /// Where `boards/<name>.yaml` is found, by the same search as `defaultBoardPath`.
  public static func boardPath(named name: String, from directory: String = FileManager.default.currentDirectoryPath) -> String {
    let relative = "boards/\(name).yaml"
    var candidate = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
    while true {
      let file = candidate.appendingPathComponent(relative)
      if FileManager.default.fileExists(atPath: file.path) { return file.path }
      let parent = candidate.deletingLastPathComponent()
      if parent.path == candidate.path { return relative }
      candidate = parent
    }
  }

  private static func readFailureReason(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      return "no such file; board files live in boards/, e.g. boards/devkit.yaml"
    }
    return isDirectory.boolValue ? "it is a directory, expected a .yaml file" : "permission denied or unreadable"
  }
}
