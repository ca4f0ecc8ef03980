import HDL

/// Elaboration warnings other than the deliberate `unused_*` wires, which collect bits a block
/// does not need (Verilator's default `unused_regexp` accepts them; the HDL's unread-signal check
/// still reports them).
func unexpectedWarnings(_ design: Design) -> [String] {
  design.warnings.map(\.message).filter { !($0.hasPrefix("wire `unused_") && $0.hasSuffix("` is never read")) }
}
