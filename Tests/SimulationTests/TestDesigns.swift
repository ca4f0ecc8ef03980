import HDL

/// Widths that cross every storage class Verilator uses for a port: 8, 16, 32 and 64-bit
/// integers and arrays of 32-bit words.
let probeWidths = [1, 7, 8, 9, 16, 17, 32, 33, 63, 64, 65, 96, 100, 128]

/// For each width w: input `a<w>`, output `inverted<w>` = ~a (combinational) and `held<w>` = a
/// registered at the clock edge.
let widthProbe = Module("width_probe") { m in
  for w in probeWidths {
    let a = m.input("a\(w)", width: w)
    let held = m.register("held\(w)_r", width: w)
    held <== a
    m.output("inverted\(w)", width: w) <== ~a
    m.output("held\(w)", width: w) <== held
  }
}

/// An accumulator: `total` grows by `increment` at each edge; `next_total` shows what it will become.
let accumulator = Module("accumulator") { m in
  let increment = m.input("increment", width: 16)
  let total = m.register("total_r", width: 16)
  total <== total + increment
  m.output("total", width: 16) <== total
  m.output("next_total", width: 16) <== total + increment
}
