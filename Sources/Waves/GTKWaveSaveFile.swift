/// A GTKWave save file (`.gtkw`): which dump to open, which signals to show in which groups and
/// formats, and where the marker is. GTKWave reads it with `gtkwave file.gtkw`.
///
/// The format is GTKWave's own (its manual, "Save file format"): `[key] value` lines for the
/// view, `*` for zoom and marker, `@flags` (hex trace flags) before the signal lines they apply
/// to, and `-name` lines for group comments.
public struct GTKWaveSaveFile: Sendable {
  public struct Group: Sendable {
    public let name: String
    public let signals: [WaveVariable]
    public init(name: String, signals: [WaveVariable]) {
      self.name = name
      self.signals = signals
    }
  }

  /// The waveform to open (written as given: absolute, or relative to where GTKWave is started).
  public var dumpFile: String
  public var groups: [Group]
  /// The dump's timescale: GTKWave counts time in its unit, so a `10ps` dump's time 7 is 70 there.
  public var timescale: Timescale
  /// The primary marker, in the dump's time units.
  public var marker: UInt64?
  /// The visible window, in the dump's time units.
  public var from: UInt64?
  public var to: UInt64?

  public init(dumpFile: String, groups: [Group], timescale: Timescale, marker: UInt64? = nil, from: UInt64? = nil,
              to: UInt64? = nil) {
    self.dumpFile = dumpFile
    self.groups = groups
    self.timescale = timescale
    self.marker = marker
    self.from = from
    self.to = to
  }

  /// Pixels GTKWave draws per time unit at zoom 0; each zoom step doubles or halves it
  /// (measured with GTKWave 3.3.118: zoom 0 draws 1 ps in 200 pixels, zoom -5 100 ps in 625).
  static let pixelsPerUnitAtZoomZero = 200.0
  /// The zoom that shows the window in about this many pixels.
  static let windowPixels = 1000.0

  // Trace flags from GTKWave's analyzer.h.
  static let rightJustify = 0x20, hex = 0x2, binary = 0x8, blank = 0x200
  static let groupBegin = 0x800000, groupEnd = 0x1000000

  public var text: String {
    let unit = UInt64(timescale.magnitude)
    var lines = ["[*]", "[*] written by Strata (strata waves --gtkw)", "[*]"]
    lines.append("[dumpfile] \"\(dumpFile)\"")
    if let from { lines.append("[timestart] \(from * unit)") }
    lines.append("[size] 1400 700")
    lines.append("[pos] -1 -1")
    var zoom = 0
    if let from, let to, to > from {
      let span = Double((to - from) * unit)
      func pixels(_ zoom: Int) -> Double { GTKWaveSaveFile.pixelsPerUnitAtZoomZero * span * pow2(zoom) }
      while pixels(zoom) > GTKWaveSaveFile.windowPixels { zoom -= 1 }
      while pixels(zoom + 1) <= GTKWaveSaveFile.windowPixels { zoom += 1 }
    }
    let named = Array(repeating: "-1", count: 26).joined(separator: " ")
    lines.append("*\(zoom).000000 \(marker.map { String($0 * unit) } ?? "-1") \(named)")
    var scopes: Set<String> = []
    for variable in groups.flatMap(\.signals) {
      for depth in 1...max(1, variable.scope.count) where depth <= variable.scope.count {
        scopes.insert(variable.scope.prefix(depth).joined(separator: ".") + ".")
      }
    }
    for scope in scopes.sorted() { lines.append("[treeopen] \(scope)") }
    lines.append("[sst_width] 250")
    lines.append("[signals_width] 260")
    lines.append("[sst_expanded] 1")
    lines.append("[sst_vpaned_height] 200")
    for group in groups {
      let named = !group.name.isEmpty
      if named {
        lines.append("@\(hexFlags(GTKWaveSaveFile.groupBegin | GTKWaveSaveFile.blank))")
        lines.append("-\(group.name)")
      }
      var current = -1
      for variable in group.signals {
        let flags = GTKWaveSaveFile.rightJustify | (variable.width == 1 ? GTKWaveSaveFile.binary : GTKWaveSaveFile.hex)
        if flags != current { lines.append("@\(hexFlags(flags))"); current = flags }
        lines.append(variable.gtkwaveName)
      }
      if named {
        lines.append("@\(hexFlags(GTKWaveSaveFile.groupEnd | GTKWaveSaveFile.blank))")
        lines.append("-\(group.name)")
      }
    }
    lines.append("[pattern_trace] 1")
    lines.append("[pattern_trace] 0")
    return lines.joined(separator: "\n") + "\n"
  }

  private func hexFlags(_ flags: Int) -> String { String(flags, radix: 16) }
  private func pow2(_ exponent: Int) -> Double {
    var value = 1.0
    for _ in 0..<abs(exponent) { value = exponent < 0 ? value / 2 : value * 2 }
    return value
  }
}
