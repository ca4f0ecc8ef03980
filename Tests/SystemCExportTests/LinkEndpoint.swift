import Cores
import HDL
import PCIe
import SystemCExport

/// A node in miniature with one crosslink (`ntb_in`/`ntb_out`, 64-bit TLP streams): writing
/// DOORBELL (0x00) sends the value to the peer as a 1-DW memory write to 0x1000 (requester 0,
/// tag 0); a memory write received lands in MAILBOX (0x04) and raises PENDING (0x08) and
/// `irq0` until MAILBOX is read. Until the NTB joins the board top, it stands in for it so the
/// sample's two-board crossing is exercised.
enum LinkEndpoint {
  static let design = Result {
    try Design(top: Module("link_endpoint") { m in
      let mgmt = m.port("mgmt0", MMIO(addressWidth: 8).flipped)
      let tx = m.port("ntb_out", TLPStream(dataWidth: 64))
      let rx = m.port("ntb_in", TLPStream(dataWidth: 64).flipped)
      let irq = m.output("irq0")
      let outgoing = m.register("outgoing", width: 32)
      let sending = m.register("sending", width: 1)
      // Not `mailbox`: a SystemVerilog type name, which Verilator refuses as a signal name.
      let mailbox = m.register("inbox", width: 32)
      let pending = m.register("pending", width: 1)

      // MWr, 3DW header with data, Length 1; requester 0, tag 0, First DW BE 0xF; address 0x1000.
      tx.valid <== sending
      tx.header <== concat(Signal.constant(0x4000_0001, width: 32), Signal.constant(0x0000_000F, width: 32),
                           Signal.constant(0x0000_1000, width: 32), Signal.zero(width: 32))
      tx.data <== concat(Signal.zero(width: 32), outgoing)
      tx.strobe <== 0b01
      tx.start <== true
      tx.end <== true
      when(tx.fires) { sending <== false }

      mgmt.ready <== mgmt.valid && !sending
      mgmt.error <== false
      mgmt.readData <== select(mgmt.address[2..<4], [Signal.zero(width: 32), mailbox, pending.zeroExtended(to: 32), Signal.zero(width: 32)])
      when(mgmt.writes && mgmt.address == 0x00) { outgoing <== mgmt.writeData; sending <== true }
      when(mgmt.reads && mgmt.address == 0x04) { pending <== false }

      rx.ready <== true
      when(rx.fires && rx.start) { mailbox <== rx.data[0..<32]; pending <== true }
      irq <== pending
    })
  }

  static let script = BringUpScript(resetCycles: 4, crossedLinks: ["ntb"], steps: [
    .write(port: "mgmt0", address: 0x00, value: 0xCAFE_F00D, label: "DOORBELL to board 1"),
    .idle(cycles: 4),
    .onBoard(1, .read(port: "mgmt0", address: 0x08, label: "PENDING")),
    .onBoard(1, .read(port: "mgmt0", address: 0x04, label: "MAILBOX")),
    .onBoard(1, .read(port: "mgmt0", address: 0x08, label: "PENDING after MAILBOX")),
    .onBoard(1, .write(port: "mgmt0", address: 0x00, value: 0x1234_5678, label: "DOORBELL to board 0")),
    .idle(cycles: 4),
    .read(port: "mgmt0", address: 0x08, label: "PENDING"),
  ])

  static let export = Result { try SystemCExport(try design.get(), script: script, clockPeriodPicoseconds: 4000) }
  static let sampleOutput = Result { try export.get().runSample(makeVariables: SystemCTestBuild.makeVariables) }

  /// What the link must carry for a doorbell of `value`, as the PCIe encoder writes it.
  static func doorbell(_ value: UInt32) -> [UInt8] {
    TLP.memoryWrite(address: 0x1000, data: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) },
                    requester: PCIeID(rawValue: 0)).bytes
  }
}
