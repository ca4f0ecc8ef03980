import HDL

/// Two register masters (`a`, `b`) sharing one `MMIO` responder (`out`): a master is granted the
/// bus for one access, from the cycle its `valid` is chosen until the responder's `ready`, and
/// when both ask at once the one not served last goes first, so neither can starve the other.
/// Zero wait states are kept: a granted access reaches `out` in the cycle it is offered and its
/// answer (`ready`, `readData`, `error`) comes back in the same cycle. The master that waits sees
/// `ready` low, as from a responder with wait states.
public func mmioArbiter(addressWidth: Int, dataWidth: Int = 32, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("mmio_arbiter", parameters: ["aw": addressWidth, "dw": dataWidth], file: file, line: line) { m in
    let a = m.port("a", MMIO(addressWidth: addressWidth, dataWidth: dataWidth).flipped)
    let b = m.port("b", MMIO(addressWidth: addressWidth, dataWidth: dataWidth).flipped)
    let out = m.port("out", MMIO(addressWidth: addressWidth, dataWidth: dataWidth))
    let locked = m.register("locked")
    let owner = m.register("owner")
    let lastB = m.register("last_was_b")
    let grantB = m.wire("grant_b")
    grantB <== mux(locked, owner, b.valid && (!a.valid || !lastB))
    out.valid <== mux(grantB, b.valid, a.valid)
    out.write <== mux(grantB, b.write, a.write)
    out.address <== mux(grantB, b.address, a.address)
    out.writeData <== mux(grantB, b.writeData, a.writeData)
    out.strobe <== mux(grantB, b.strobe, a.strobe)
    a.ready <== !grantB && out.ready
    b.ready <== grantB && out.ready
    for master in [a, b] {
      master.readData <== out.readData
      master.error <== out.error
    }
    when(out.valid && out.ready) {
      locked <== false
      lastB <== grantB
    }.elseWhen(out.valid) {
      locked <== true
      owner <== grantB
    }
  }
}
