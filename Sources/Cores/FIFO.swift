import HDL

/// Synchronous FIFO: `depth` words of `width` bits, ready/valid on both sides, one clock.
///
/// Ports (besides the implicit `clk` and synchronous, active-high `rst`):
///
/// | port | dir | meaning |
/// | --- | --- | --- |
/// | `enq_valid`, `enq_data` | in | a word offered for writing |
/// | `enq_ready` | out | 1 while the FIFO has room (`!full`); a word is written when `enq_valid && enq_ready` |
/// | `deq_valid`, `deq_data` | out | the oldest word, offered for reading |
/// | `deq_ready` | in | the reader takes the word when `deq_valid && deq_ready` |
/// | `count` | out | words held, `0...depth` (`bitsToHold(depth)` bits) |
/// | `full`, `empty` | out | `count == depth`, `count == 0` |
/// | `almost_full`, `almost_empty` | out | `count >= almostFull`, `count <= almostEmpty` |
///
/// Both sides may transfer in the same cycle, so the FIFO moves one word per cycle in steady
/// state. `enq_ready` depends on registers only; `deq_valid` and `deq_data` never depend on
/// `enq_valid` in the same cycle, so a FIFO breaks every combinational path from input to output.
///
/// Two storage styles, the same interface:
/// - `firstWordFallThrough: true` (the default): words live in a distributed memory read
///   asynchronously. A word written in cycle *t* is on `deq` in cycle *t + 1*.
/// - `firstWordFallThrough: false`: words live in a memory read synchronously (it maps onto
///   FPGA block RAM), whose registered read port is the output register: the FIFO fetches the
///   next word into it as soon as the register is empty or being read. A word written into an
///   empty FIFO in cycle *t* is fetched in *t + 1* and on `deq` in cycle *t + 2*. `count`
///   includes the word in the output register, so `empty` can be 0 one cycle before `deq_valid`
///   rises; `deq_ready` reaches the memory's read enable combinationally (not any output).
///
/// Comparable to Amaranth's `SyncFIFO(fwft=True)` and `SyncFIFOBuffered` (which likewise trades
/// one cycle of latency for block-RAM-compatible synchronous reads) and to Chisel's `Queue`.
///
/// - Parameters:
///   - depth: how many words the FIFO holds, at least 2 (any value, not only powers of two).
///   - width: bits per word, at least 1.
///   - almostFull: `almost_full` is 1 while `count >= almostFull`; `1...depth`, default `depth - 1`.
///   - almostEmpty: `almost_empty` is 1 while `count <= almostEmpty`; `0..<depth`, default 1.
///   - firstWordFallThrough: asynchronous-read storage with one cycle of latency (true), or
///     synchronous-read (block RAM) storage with two (false).
///
/// Bad parameters are elaboration errors reported at the caller's line.
///
/// ```swift
/// let top = Module("rx_path") { m in
///   let buffer = m.instance(fifo(depth: 12, width: 64, almostFull: 8), name: "rx_buffer")
///   connect(m.port("rx", Stream(width: 64).flipped), to: buffer.interface("enq", as: Stream.self))
///   connect(buffer.interface("deq", as: Stream.self), to: m.port("host", Stream(width: 64)))
///   m.output("pause") <== buffer["almost_full"]
/// }
/// ```
public func fifo(depth: Int, width: Int, almostFull: Int? = nil, almostEmpty: Int? = nil,
                 firstWordFallThrough: Bool = true, file: StaticString = #fileID, line: UInt = #line) -> Module {
  // Out-of-range parameters are reported by `require` below; these stand-ins keep the rest buildable.
  let depthUsed = max(depth, 2), widthUsed = max(width, 1)
  let almostFullUsed = min(max(almostFull ?? depthUsed - 1, 1), depthUsed)
  let almostEmptyUsed = min(max(almostEmpty ?? 1, 0), depthUsed - 1)
  let name = firstWordFallThrough ? "fifo_fwft" : "fifo"
  return Module(name, parameters: ["depth": depth, "width": width, "afull": almostFullUsed, "aempty": almostEmptyUsed]) { m in
    m.require(depth >= 2, "fifo: depth \(depth) is too small; a FIFO holds at least 2 words "
              + "(for a one-word stage use skidBuffer(width:))", file: file, line: line)
    m.require(width >= 1, "fifo: width \(width) is invalid; words need at least 1 bit", file: file, line: line)
    m.require(almostFull.map { (1...depthUsed).contains($0) } ?? true,
              "fifo: almostFull \(almostFull ?? 0) is outside 1...\(depthUsed); almost_full means count >= almostFull",
              file: file, line: line)
    m.require(almostEmpty.map { (0..<depthUsed).contains($0) } ?? true,
              "fifo: almostEmpty \(almostEmpty ?? 0) is outside 0...\(depthUsed - 1); almost_empty means count <= almostEmpty",
              file: file, line: line)

    let enq = m.port("enq", Stream(width: widthUsed).flipped)
    let deq = m.port("deq", Stream(width: widthUsed))
    let count = m.output("count", width: bitsToHold(depthUsed))
    let full = m.output("full")
    let empty = m.output("empty")
    let almostFullFlag = m.output("almost_full")
    let almostEmptyFlag = m.output("almost_empty")

    let slots = m.memory("slots", depth: depthUsed, width: widthUsed)
    let head = m.register("head", width: bitsToIndex(depthUsed))
    let tail = m.register("tail", width: bitsToIndex(depthUsed))
    let words = m.register("words", width: count.width)
    let push = m.wire("push")
    let pop = m.wire("pop")

    push <== enq.fires
    pop <== deq.fires
    enq.ready <== !full
    count <== words
    full <== words == depthUsed
    empty <== words == 0
    almostFullFlag <== words >= almostFullUsed
    almostEmptyFlag <== words <= almostEmptyUsed

    when(push) {
      slots[tail] <== enq.data
      tail <== tail.next(modulo: depthUsed)
    }
    // The count moves only when exactly one side transfers (two cells fewer under Yosys than
    // adding push and subtracting pop every cycle).
    when(push != pop) { words <== mux(push, words + 1, words - 1) }

    if firstWordFallThrough {
      deq.valid <== !empty
      deq.data <== slots[head]
      when(pop) { head <== head.next(modulo: depthUsed) }
    } else {
      // The registered read port is the output stage: `presented` says it holds the head word.
      let presented = m.register("presented")
      let fetch = m.wire("fetch")
      let inMemory = words - presented.zeroExtended(to: words.width)
      fetch <== inMemory != 0 && (!presented || deq.ready)
      deq.valid <== presented
      deq.data <== slots.readSync(head, enable: fetch, name: "head_word")
      when(fetch) {
        head <== head.next(modulo: depthUsed)
        presented <== true
      }.elseWhen(pop) {
        presented <== false
      }
    }
  }
}
