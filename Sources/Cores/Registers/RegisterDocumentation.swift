/// Markdown documentation of `map`: a summary table of the registers, then per register its
/// offset, access and reset value and a table of its fields from the most significant bit
/// down, including the reserved gaps and the hardware ports of each field.
public func registerDocumentation(for map: RegisterMap) -> String {
  let digits = max(2, (map.addressWidth + 3) / 4)
  func offset(_ r: Register) -> String { "0x" + padded(RegisterNames.hex(r.offset), digits) }
  var out = "# \(map.name)\n\n"
  if !map.description.isEmpty { out += cell(map.description) + "\n\n" }
  out += "Base address `0x\(padded(RegisterNames.hex(map.baseAddress), 8))`; 32-bit registers at byte offsets from it. "
  out += "Unmapped offsets answer with an error; reserved bits read 0 and ignore writes.\n\n"
  out += "| Offset | Register | Access | Reset | Description |\n| --- | --- | --- | --- | --- |\n"
  for r in map.registers {
    out += "| \(offset(r)) | [\(r.name)](#\(r.name.lowercased())) | \(r.accessSummary) | \(resetText(r)) | \(cell(r.description)) |\n"
  }
  for r in map.registers {
    out += "\n## \(r.name)\n\n"
    out += "Offset `\(offset(r))` · access \(r.accessSummary) · reset `\(resetText(r))`\n\n"
    out += cell(r.description) + "\n\n"
    out += "| Bits | Field | Access | Reset | Hardware | Description |\n| --- | --- | --- | --- | --- | --- |\n"
    for row in fieldRows(r) { out += row + "\n" }
  }
  return out
}

/// One row per field and per reserved gap, most significant bits first.
private func fieldRows(_ r: Register) -> [String] {
  var rows: [(high: Int, text: String)] = []
  var used = [Bool](repeating: false, count: 32)
  for f in r.fields {
    for b in f.bits { used[b] = true }
    let reset = f.isHardwareValue ? "from hardware" : "0x" + RegisterNames.hex(UInt64(f.reset))
    let ports = FieldHardware.hooks.filter { f.hardware.contains($0.hook) }
      .map { "`\(RegisterNames.port(register: r.name, field: f.name, suffix: $0.suffix))` (\($0.isInput ? "in" : "out"))" }
    rows.append((f.highBit, "| \(bitRange(f.lowBit, f.highBit)) | \(f.name) | \(f.access.rawValue) | \(reset) | "
                 + "\(ports.isEmpty ? "—" : ports.joined(separator: ", ")) | \(cell(f.description + valueList(f))) |"))
  }
  var bit = 0
  while bit < 32 {
    guard !used[bit] else { bit += 1; continue }
    let low = bit
    while bit < 32 && !used[bit] { bit += 1 }
    rows.append((bit - 1, "| \(bitRange(low, bit - 1)) | — | reserved | 0 | — | Reads 0; writes are ignored. |"))
  }
  return rows.sorted { $0.high > $1.high }.map(\.text)
}

/// " Values: 0 = IDLE (Waiting.); 5 = RUN (Running.)", or nothing for a field without named values.
private func valueList(_ f: Field) -> String {
  guard !f.values.isEmpty else { return "" }
  return " Values: " + f.values.map { "\($0.value) = \($0.name) (\($0.description))" }.joined(separator: "; ")
}

private func bitRange(_ low: Int, _ high: Int) -> String { low == high ? "\(low)" : "\(high):\(low)" }

/// Reset values of hardware-supplied fields are unknown; the register's reset says so.
private func resetText(_ r: Register) -> String {
  let fromHardware = r.fields.contains { $0.isHardwareValue }
  return "0x" + padded(RegisterNames.hex(UInt64(r.resetValue)), 8) + (fromHardware ? " (+ hardware)" : "")
}

private func padded(_ s: String, _ digits: Int) -> String { String(repeating: "0", count: max(0, digits - s.count)) + s }

/// Text safe inside a table cell: pipes escaped, line breaks joined.
private func cell(_ text: String) -> String {
  text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
    .split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
}
