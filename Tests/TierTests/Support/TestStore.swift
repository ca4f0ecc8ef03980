import HDL

/// A backing store written in the DSL, for tests of the whole controller under Icarus (whose
/// runner is open-loop, so the stores must live inside the simulation). `frames` frames of 512
/// words; the request path's port answers a read with its beats and a write with one beat, the
/// DMA engine's read and write channels likewise, each `latency` cycles after the request (or
/// after a write's last beat). A frame equal to `fault_frame` while `fault_valid` fails. When the
/// engine's write channel writes a beat, the host port's write waits that cycle.
func testStore(frames: Int, latency: Int) -> Module {
  Module("test_store", parameters: ["frames": frames, "latency": latency]) { m in
    let words = frames * 512
    let addressBits = bitsToIndex(words)
    let mem = m.memory("words", depth: words, width: 64, initial: Array(repeating: 0, count: words))  // unwritten words read 0, as in the model
    let faultValid = m.input("fault_valid")
    let faultFrame = m.input("fault_frame", width: 24)

    // Host port.
    let reqValid = m.input("req_valid"), reqReady = m.output("req_ready"), reqWrite = m.input("req_write")
    let reqFrame = m.input("req_frame", width: 24), reqWord = m.input("req_word", width: 9), reqBeats = m.input("req_beats", width: 10)
    let wdataValid = m.input("wdata_valid"), wdataReady = m.output("wdata_ready")
    let wdataData = m.input("wdata_data", width: 64), wdataStrobe = m.input("wdata_strobe", width: 8)
    let rspValid = m.output("rsp_valid"), rspReady = m.input("rsp_ready"), rspData = m.output("rsp_data", width: 64)
    let rspLast = m.output("rsp_last"), rspError = m.output("rsp_error")
    // Copy channels.
    let rdValid = m.input("rd_req_valid"), rdReady = m.output("rd_req_ready")
    let rdFrame = m.input("rd_req_frame", width: 24), rdBeats = m.input("rd_req_beats", width: 10)
    let rdDataValid = m.output("rd_data_valid"), rdDataReady = m.input("rd_data_ready")
    let rdData = m.output("rd_data", width: 64), rdLast = m.output("rd_data_last"), rdError = m.output("rd_data_error")
    let wrValid = m.input("wr_req_valid"), wrReady = m.output("wr_req_ready")
    let wrFrame = m.input("wr_req_frame", width: 24), wrBeats = m.input("wr_req_beats", width: 10)
    let wrDataValid = m.input("wr_data_valid"), wrDataReady = m.output("wr_data_ready")
    let wrData = m.input("wr_data", width: 64), wrStrobe = m.input("wr_data_strobe", width: 8)
    let ackValid = m.output("wr_ack_valid"), ackReady = m.input("wr_ack_ready"), ackError = m.output("wr_ack_error")

    // Host job.
    let hBusy = m.register("h_busy"), hWrite = m.register("h_write"), hFail = m.register("h_fail")
    let hAddress = m.register("h_address", width: addressBits), hLeft = m.register("h_left", width: 10)
    let hTimer = m.register("h_timer", width: 8), hDataDone = m.register("h_data_done")
    // Copy read job and copy write job.
    let rBusy = m.register("r_busy"), rFail = m.register("r_fail"), rAddress = m.register("r_address", width: addressBits)
    let rLeft = m.register("r_left", width: 10), rTimer = m.register("r_timer", width: 8)
    let wBusy = m.register("w_busy"), wFail = m.register("w_fail"), wAddress = m.register("w_address", width: addressBits)
    let wLeft = m.register("w_left", width: 10), wTimer = m.register("w_timer", width: 8), wDataDone = m.register("w_data_done")

    let base = { (frame: Signal) in frame.resized(to: addressBits) << 9 }
    let mask = { (strobe: Signal) in concat((0..<8).reversed().map { strobe[$0].replicated(8) }) }
    let copyBeat = wBusy && !wDataDone && wrDataValid
    let hostBeat = hBusy && hWrite && !hDataDone && wdataValid && !copyBeat

    reqReady <== !hBusy
    wdataReady <== hBusy && hWrite && !hDataDone && !copyBeat
    rspValid <== hBusy && hTimer == 0 && (!hWrite || hDataDone)
    rspData <== mux(hWrite || hFail, Signal.zero(width: 64), mem[hAddress])
    rspLast <== hWrite || hFail || hLeft == 1
    rspError <== hFail
    rdReady <== !rBusy
    rdDataValid <== rBusy && rTimer == 0
    rdData <== mux(rFail, Signal.zero(width: 64), mem[rAddress])
    rdLast <== rFail || rLeft == 1
    rdError <== rFail
    wrReady <== !wBusy
    wrDataReady <== wBusy && !wDataDone
    ackValid <== wBusy && wDataDone && wTimer == 0
    ackError <== wFail

    when(reqValid && !hBusy) {
      hBusy <== true
      hWrite <== reqWrite
      hFail <== faultValid && faultFrame == reqFrame
      hAddress <== base(reqFrame) + reqWord.resized(to: addressBits)
      hLeft <== reqBeats
      hTimer <== latency
      hDataDone <== false
    }.elseWhen(hBusy) {
      when(hTimer != 0 && (!hWrite || hDataDone)) { hTimer <== hTimer - 1 }
      when(hostBeat) {
        when(!hFail) { mem[hAddress] <== (mem[hAddress] & ~mask(wdataStrobe)) | (wdataData & mask(wdataStrobe)) }
        hAddress <== hAddress + 1
        hLeft <== hLeft - 1
        when(hLeft == 1) { hDataDone <== true }
      }
      when(rspValid && rspReady) {
        hAddress <== hAddress + 1
        hLeft <== hLeft - 1
        when(rspLast) { hBusy <== false }
      }
    }
    when(rdValid && !rBusy) {
      rBusy <== true
      rFail <== faultValid && faultFrame == rdFrame
      rAddress <== base(rdFrame)
      rLeft <== rdBeats
      rTimer <== latency
    }.elseWhen(rBusy) {
      when(rTimer != 0) { rTimer <== rTimer - 1 }
      when(rdDataValid && rdDataReady) {
        rAddress <== rAddress + 1
        rLeft <== rLeft - 1
        when(rdLast) { rBusy <== false }
      }
    }
    when(wrValid && !wBusy) {
      wBusy <== true
      wFail <== faultValid && faultFrame == wrFrame
      wAddress <== base(wrFrame)
      wLeft <== wrBeats
      wTimer <== latency
      wDataDone <== false
    }.elseWhen(wBusy) {
      when(wTimer != 0 && wDataDone) { wTimer <== wTimer - 1 }
      when(copyBeat) {
        when(!wFail) { mem[wAddress] <== (mem[wAddress] & ~mask(wrStrobe)) | (wrData & mask(wrStrobe)) }
        wAddress <== wAddress + 1
        wLeft <== wLeft - 1
        when(wLeft == 1) { wDataDone <== true }
      }
      when(ackValid && ackReady) { wBusy <== false }
    }
  }
}
