/// The FIFO of `fifo(depth:width:...)` as its datasheet (Sources/Cores/FIFO.swift) states it,
/// cycle by cycle, in plain Swift: outputs before the edge from `outputs`, the edge from `clock`.
struct FIFOReference<Word: Equatable> {
  let depth: Int, almostFull: Int, almostEmpty: Int, firstWordFallThrough: Bool
  /// Words in storage, oldest first. With block-RAM storage the head word moves to `presented`.
  private(set) var stored: [Word] = []
  /// The output register of the block-RAM variant: the word on `deq`.
  private(set) var presented: Word?

  struct Outputs {
    var enqReady, deqValid, full, empty, almostFull, almostEmpty: Bool
    var count: Int
    var deqData: Word?
  }

  var count: Int { stored.count + (presented == nil ? 0 : 1) }

  func outputs() -> Outputs {
    let head = firstWordFallThrough ? stored.first : presented
    return Outputs(enqReady: count < depth, deqValid: head != nil, full: count == depth, empty: count == 0,
                   almostFull: count >= almostFull, almostEmpty: count <= almostEmpty, count: count, deqData: head)
  }

  /// The clock edge: `pushed` is the word written this cycle (if any), `popped` whether `deq` fired.
  mutating func clock(pushed: Word?, popped: Bool) {
    if firstWordFallThrough {
      if popped { stored.removeFirst() }
    } else {
      // The head is fetched into the output register whenever it is empty or being read (and
      // memory holds a word from before this edge); a word taken and not replaced leaves it empty.
      if presented == nil || popped, !stored.isEmpty {
        presented = stored.removeFirst()
      } else if popped {
        presented = nil
      }
    }
    if let pushed { stored.append(pushed) }
  }
}
