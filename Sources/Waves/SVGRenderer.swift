/// How a window is drawn.
public struct WaveRenderOptions: Sendable {
  /// A vertical line at this time (a failure, a trigger).
  public var marker: UInt64?
  /// Names for the values of enumerated signals (FSM states), by signal path: value → name.
  public var valueNames: [String: [UInt64: String]]
  /// Width of the plotting area in pixels (names are drawn to its left).
  public var plotWidth: Double
  /// A line of text above the waveforms.
  public var title: String?

  public init(marker: UInt64? = nil, valueNames: [String: [UInt64: String]] = [:], plotWidth: Double = 960,
              title: String? = nil) {
    self.marker = marker
    self.valueNames = valueNames
    self.plotWidth = plotWidth
    self.title = title
  }
}

/// Draws a window of signals as a self-contained SVG picture: 1-bit signals as waveforms, buses
/// as segments labelled in hex (or by name), unknown (x) values shaded red, undriven (z) values
/// as a middle line, a time axis in clock cycles when the window has a clock, and an optional
/// marker. Every drawn value is an element carrying `data-from`, `data-to` and `data-value`
/// (times in the file's units, value in hex or the 4-state bits) so tools and tests can read it back.
public enum SVGRenderer {
  static let rowHeight = 28.0
  static let high = 6.0
  static let low = 22.0
  static let charWidth = 7.2

  public static func render(_ window: WaveWindow, options: WaveRenderOptions = WaveRenderOptions()) -> String {
    let names = window.traces.map { $0.variable.path }
    let nameWidth = max(120, Double(names.map(\.count).max() ?? 0) * charWidth + 24)
    let top = options.title == nil ? 46.0 : 62.0
    let width = nameWidth + options.plotWidth + 20
    let height = top + Double(window.traces.count) * rowHeight + 16
    let scale = Scale(from: window.from, to: window.to, left: nameWidth, width: options.plotWidth)
    var svg = SVGText()
    svg.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": format(width), "height": format(height),
                     "viewBox": "0 0 \(format(width)) \(format(height))", "font-family": "monospace", "font-size": "12",
                     "data-from": "\(window.from)", "data-to": "\(window.to)", "data-timescale": "\(window.timescale)"])
    svg.leaf("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
    if let title = options.title {
      svg.text(title, ["x": "8", "y": "18", "font-size": "13", "font-weight": "bold", "class": "title"])
    }
    drawAxis(&svg, window: window, scale: scale, top: top, bottom: height - 8)
    for (row, trace) in window.traces.enumerated() {
      let y = top + Double(row) * rowHeight
      svg.open("g", ["class": "signal", "data-name": trace.variable.path, "data-width": "\(trace.variable.width)",
                     "transform": "translate(0,\(format(y)))"])
      svg.text(trace.variable.path, ["x": "8", "y": format(low - 2), "class": "name"])
      let named = options.valueNames[trace.variable.path] ?? options.valueNames[trace.variable.name]
      if trace.variable.width == 1 && named == nil {
        drawBit(&svg, trace: trace, scale: scale)
      } else {
        drawBus(&svg, trace: trace, scale: scale, names: named)
      }
      svg.close("g")
    }
    if let marker = options.marker, marker >= window.from, marker <= window.to {
      let x = scale.x(marker)
      let label = window.clock.map { "cycle \($0.cycle(at: marker)) (t=\(marker))" } ?? "t=\(marker)"
      svg.open("g", ["class": "marker", "data-time": "\(marker)"])
      svg.leaf("line", ["x1": format(x), "x2": format(x), "y1": format(top - 26), "y2": format(height - 8),
                        "stroke": "#d00000", "stroke-width": "1.5", "stroke-dasharray": "5,3"])
      // Near the right edge the label goes to the line's left.
      let leftward = x > scale.left + scale.width * 0.7
      svg.text(label, ["x": format(leftward ? x - 4 : x + 4), "y": format(top - 30), "fill": "#d00000",
                       "class": "marker-label", "text-anchor": leftward ? "end" : "start"])
      svg.close("g")
    }
    svg.close("svg")
    return svg.text
  }

  // MARK: - Parts

  struct Scale {
    let from: UInt64, to: UInt64, left: Double, width: Double
    func x(_ time: UInt64) -> Double {
      left + Double(time - from) / Double(to - from) * width
    }
  }

  private static func drawAxis(_ svg: inout SVGText, window: WaveWindow, scale: Scale, top: Double, bottom: Double) {
    svg.open("g", ["class": "axis", "stroke": "#999999", "font-size": "10"])
    svg.leaf("line", ["x1": format(scale.left), "x2": format(scale.left + scale.width),
                      "y1": format(top - 6), "y2": format(top - 6)])
    if let clock = window.clock {
      let first = clock.cycle(at: window.from)
      let last = clock.cycle(at: window.to) - (clock.time(ofCycle: clock.cycle(at: window.to)) > window.to ? 1 : 0)
      let cycles = max(1, last - first + 1)
      let pixelsPerCycle = scale.width / Double(cycles)
      // Labels at least as far apart as the widest label (10 px font) needs.
      let spacing = max(44, Double(String(max(abs(first), abs(last))).count + 1) * 6.5 + 8)
      let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000].first { Double($0) * pixelsPerCycle >= spacing } ?? 100_000
      if first <= last {
        for cycle in first...last {
          let time = clock.time(ofCycle: cycle)
          if Int64(clock.firstRise) + Int64(cycle) * Int64(clock.period) < Int64(window.from) { continue }
          let x = format(scale.x(time))
          let labelled = cycle % step == 0
          svg.leaf("line", ["x1": x, "x2": x, "y1": format(top - (labelled ? 12 : 9)), "y2": format(top - 6),
                            "class": "tick", "data-cycle": "\(cycle)", "data-time": "\(time)"])
          if labelled {
            svg.leaf("line", ["x1": x, "x2": x, "y1": format(top - 4), "y2": format(bottom),
                              "stroke": "#e4e4e4", "class": "grid"])
            svg.text("\(cycle)", ["x": format(scale.x(time) + 2), "y": format(top - 14), "stroke": "none",
                                  "fill": "#555555", "class": "cycle-label"])
          }
        }
      }
      svg.text("cycle", ["x": "8", "y": format(top - 14), "stroke": "none", "fill": "#555555"])
    } else {
      let span = window.to - window.from
      // Steps of 1, 2 or 5 times a power of ten, at least 60 pixels apart.
      var step: UInt64 = 1
      var decade: UInt64 = 1
      search: while true {
        for multiple: UInt64 in [1, 2, 5] {
          step = multiple * decade
          if Double(span / step) <= scale.width / 60 { break search }
        }
        decade *= 10
      }
      var time = (window.from + step - 1) / step * step
      while time <= window.to {
        let x = format(scale.x(time))
        svg.leaf("line", ["x1": x, "x2": x, "y1": format(top - 12), "y2": format(top - 6), "class": "tick",
                          "data-time": "\(time)"])
        svg.text("\(time)", ["x": format(scale.x(time) + 2), "y": format(top - 14), "stroke": "none",
                             "fill": "#555555", "class": "time-label"])
        time += step
      }
      svg.text(window.timescale.description, ["x": "8", "y": format(top - 14), "stroke": "none", "fill": "#555555"])
    }
    svg.close("g")
  }

  private static func drawBit(_ svg: inout SVGText, trace: WaveTrace, scale: Scale) {
    var previousY: Double?
    for segment in trace.segments(from: scale.from, to: scale.to) {
      let x1 = scale.x(segment.from), x2 = scale.x(segment.to)
      let value = segment.value?.description ?? "x"
      var attributes = ["class": "value bit", "data-from": "\(segment.from)", "data-to": "\(segment.to)",
                        "data-value": value]
      switch value {
      case "1", "0":
        let y = value == "1" ? high : low
        var d = "M\(format(x1)),\(format(previousY ?? y)) L\(format(x1)),\(format(y)) L\(format(x2)),\(format(y))"
        if previousY == nil { d = "M\(format(x1)),\(format(y)) L\(format(x2)),\(format(y))" }
        attributes["d"] = d
        attributes["stroke"] = "#00a000"
        attributes["fill"] = "none"
        attributes["stroke-width"] = "1.5"
        svg.leaf("path", attributes)
        previousY = y
      case "z":
        let y = (high + low) / 2
        attributes["d"] = "M\(format(x1)),\(format(y)) L\(format(x2)),\(format(y))"
        attributes["stroke"] = "#c8a000"
        attributes["fill"] = "none"
        attributes["stroke-width"] = "1.5"
        svg.leaf("path", attributes)
        previousY = y
      default:
        attributes["x"] = format(x1)
        attributes["y"] = format(high)
        attributes["width"] = format(max(x2 - x1, 0.5))
        attributes["height"] = format(low - high)
        attributes["fill"] = "#ff4040"
        attributes["fill-opacity"] = "0.35"
        attributes["stroke"] = "#d00000"
        svg.leaf("rect", attributes)
        previousY = nil
      }
    }
  }

  private static func drawBus(_ svg: inout SVGText, trace: WaveTrace, scale: Scale, names: [UInt64: String]?) {
    for segment in trace.segments(from: scale.from, to: scale.to) {
      let x1 = scale.x(segment.from), x2 = scale.x(segment.to)
      let value = segment.value
      let hex = value?.hex ?? "x"
      let label: String
      if let value, let number = value.unsignedValue, let name = names?[number] {
        label = name
      } else if let value, value.isHighImpedance {
        label = "z"
      } else if let value, value.bits.allSatisfy({ $0 == UInt8(ascii: "x") }) {
        label = "x"
      } else if let value, !value.isKnown, value.width <= 16 {
        // Partly unknown narrow values read better bit by bit (1x0z) than as a hex digit x.
        label = value.description
      } else {
        label = hex
      }
      let unknown = value == nil || value!.hasUnknown
      let floating = value?.isHighImpedance ?? false
      svg.open("g", ["class": "value bus", "data-from": "\(segment.from)", "data-to": "\(segment.to)",
                     "data-value": value == nil ? "x" : hex, "data-label": label])
      svg.text(value.map { "\(trace.variable.path) = \(label) (\($0.width) bits: \($0))" } ?? "\(trace.variable.path) = x",
               [:], element: "title")
      let slant = min(3, (x2 - x1) / 2)
      let middle = (high + low) / 2
      if floating {
        svg.leaf("path", ["d": "M\(format(x1)),\(format(middle)) L\(format(x2)),\(format(middle))",
                          "stroke": "#c8a000", "stroke-width": "1.5", "fill": "none"])
      } else {
        let points = [(x1, middle), (x1 + slant, high), (x2 - slant, high), (x2, middle), (x2 - slant, low), (x1 + slant, low)]
        svg.leaf("polygon", ["points": points.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " "),
                             "fill": unknown ? "#ff4040" : "#e8f4e8", "fill-opacity": unknown ? "0.35" : "1",
                             "stroke": unknown ? "#d00000" : "#00a000"])
      }
      let room = Int((x2 - x1 - 2 * slant - 4) / charWidth)
      if room >= 1 {
        let shown = label.count <= room ? label : (room >= 2 ? String(label.prefix(room - 1)) + "…" : "")
        if !shown.isEmpty {
          svg.text(shown, ["x": format(x1 + slant + 2), "y": format(low - 4), "fill": "#000000", "class": "label"])
        }
      }
      svg.close("g")
    }
  }

  static func format(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }
}
