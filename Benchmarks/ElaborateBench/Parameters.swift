/// The sizes every framework's version of the benchmark uses (mirrors scripts/bench/python/family.py).
enum Parameters {
  static let crossbarPorts = 16
  static let crossbarWidth = 256
  static let fifoDepth = 16
  static let fifoWidth = 64
  static let arbiterRequesters = 16
  static let arbiterWidth = 8

  /// `count` distinct (depth, width) pairs: depths 2...41 for each width from 8 up.
  static func fifoFamily(_ count: Int) -> [(depth: Int, width: Int)] {
    (0..<count).map { k in (depth: 2 + k % 40, width: 8 + k / 40) }
  }
}
