import HDL

/// The FIFO of `Sources/Cores/FIFO.swift` as its datasheet states it, on a plain Swift array:
/// a queue of at most `depth` words with the flags defined from the count, and the latency of
/// each storage style (fall-through: a word is readable the cycle after it is written;
/// block RAM: it first moves from memory into the output register, one more cycle).
struct FIFOModel {
  let depth: Int
  let almostFull: Int
  let almostEmpty: Int
  let fallThrough: Bool
  /// Words in storage, oldest first (with fall-through, every word held).
  private(set) var stored: [BitVector] = []
  /// Block-RAM style only: the word in the output register.
  private(set) var presented: BitVector?

  var count: Int { stored.count + (presented == nil ? 0 : 1) }
  /// The word offered on `deq`, if any.
  var head: BitVector? { fallThrough ? stored.first : presented }

  /// The outputs in the current cycle (`deq_data` only while a word is offered).
  var outputs: [String: BitVector] {
    var out: [String: BitVector] = [
      "enq_ready": BitVector(count < depth), "deq_valid": BitVector(head != nil),
      "count": BitVector(width: bitsToHold(depth), value: count),
      "full": BitVector(count == depth), "empty": BitVector(count == 0),
      "almost_full": BitVector(count >= almostFull), "almost_empty": BitVector(count <= almostEmpty),
    ]
    if let head { out["deq_data"] = head }
    return out
  }

  /// One clock edge with these inputs.
  mutating func clock(offer: BitVector?, take: Bool) {
    let accepted = offer != nil && count < depth
    let delivered = take && head != nil
    if fallThrough {
      if delivered { stored.removeFirst() }
    } else if !stored.isEmpty && (presented == nil || take) {
      presented = stored.removeFirst()
    } else if delivered {
      presented = nil
    }
    if accepted, let offer { stored.append(offer) }
  }
}
