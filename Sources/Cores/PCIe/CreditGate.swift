import HDL
import PCIe

/// The transmitter's flow-control gate for one credit type (PCIe Base Specification 6.3,
/// §2.6.1.1), the RTL twin of `PCIe.CreditGate`: CREDITS_CONSUMED and CREDIT_LIMIT modulo
/// 2^[Field Size] (8 bits for header credits, 12 for data credits, Table 2-51) and Equation
/// 2-13: `permits` is 1 when (CREDIT_LIMIT − (CREDITS_CONSUMED + `required`)) mod 2^[Field Size]
/// ≤ 2^[Field Size] / 2, or when the receiver advertised infinite credits.
///
/// Ports (besides `clk` and `rst`):
/// - `initialize`, `advertised`: the receiver's InitFC value, taken at the clock edge; 0 means
///   infinite. Consumed credits restart from 0.
/// - `update`, `limit`: an UpdateFC's value, ignored while credits are infinite.
/// - `required`: the credits the TLP at the head of the queue needs; `permits` answers for it.
/// - `consume`: the TLP goes; `required` credits are consumed at the clock edge.
///
/// Out of reset no credit has been advertised, so nothing is permitted until `initialize`.
///
/// `restartable` adds the input `link_down`: while it is 1 the gate forgets the partner's credits
/// and is back where reset left it, nothing permitted until the next `initialize` (§2.6.1: flow
/// control is initialised on every DL_Up; §3.4.2: at DL_Down the FC state is reset).
public func creditGate(_ type: CreditType, restartable: Bool = false, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let bits = type.fieldSize
  let parameters: KeyValuePairs<String, any CustomStringConvertible> = restartable ? ["bits": bits, "restartable": 1] : ["bits": bits]
  return Module("credit_gate", parameters: parameters) { m in
    let initialize = m.input("initialize")
    let advertised = m.input("advertised", width: bits)
    let update = m.input("update")
    let limit = m.input("limit", width: bits)
    let required = m.input("required", width: bits)
    let consume = m.input("consume")
    let permits = m.output("permits")

    let creditLimit = m.register("credit_limit", width: bits)
    let consumed = m.register("credits_consumed", width: bits)
    let infinite = m.register("infinite")
    let initialized = m.register("initialized")

    // Modular arithmetic is plain wrap-around at the field's width.
    let margin = m.wire("margin", width: bits)
    margin <== creditLimit - (consumed + required)
    permits <== initialized && (infinite || margin <= 1 << (bits - 1))

    when(initialize) {
      creditLimit <== advertised
      infinite <== advertised == 0
      consumed <== 0
      initialized <== true
    }.otherwise {
      when(update && !infinite) { creditLimit <== limit }
      when(consume) { consumed <== consumed + required }
    }
    if restartable {
      when(m.input("link_down")) {
        initialized <== false
        consumed <== 0
      }
    }
  }
}
