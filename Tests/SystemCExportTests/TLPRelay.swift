import Cores
import HDL
import PCIe
import SystemCExport

/// A design with a TLP stream in (`rx`), the same stream out (`tx`, passed through
/// as the switch's ports pass TLPs on) and a management port whose one register counts the
/// TLPs relayed: the shape the board top takes when its links arrive.
enum TLPRelay {
  static let dataWidth = 128

  static let design = Result {
    try Design(top: Module("tlp_relay") { m in
      let input = m.port("rx", TLPStream(dataWidth: dataWidth).flipped)
      let output = m.port("tx", TLPStream(dataWidth: dataWidth))
      let mgmt = m.port("mgmt0", MMIO(addressWidth: 8).flipped)
      let relayed = m.register("relayed", width: 32)
      connect(input, to: output)
      when(output.fires && output.end) { relayed <== relayed + 1 }
      mgmt.ready <== mgmt.valid
      mgmt.readData <== relayed
      mgmt.error <== false
    })
  }

  static let requester = PCIeID(rawValue: 0x0100)
  /// A 3DW write of one beat, a 4DW write of three beats (10 DWs on 4 lanes), a read without data.
  static let tlps: [TLP] = [
    .memoryWrite(address: 0x1000, data: Array(0..<16), requester: requester, tag: 1),
    .memoryWrite(address: 0x1_0000_2000, data: (0..<40).map { UInt8(0x80 + $0) }, requester: requester, tag: 2),
    .memoryRead(address: 0x3000, byteCount: 64, requester: requester, tag: 3),
  ]

  static let script = BringUpScript(resetCycles: 4, steps: tlps.enumerated().map { index, tlp in
    .sendTLP(port: "rx", bytes: tlp.bytes, label: "TLP \(index)")
  } + [
    .idle(cycles: 2), .read(port: "mgmt0", address: 0, label: "TLPs relayed"),
    // No TLP: a 3DW header and a quarter DW of payload. The socket refuses it; the RTL never sees it.
    .sendTLP(port: "rx", bytes: Array(tlps[0].bytes.prefix(13)), label: "13 bytes"),
  ])

  static let export = Result { try SystemCExport(try design.get(), script: script, clockPeriodPicoseconds: 4000) }
  static let sampleOutput = Result { try export.get().runSample(makeVariables: SystemCTestBuild.makeVariables) }
}
