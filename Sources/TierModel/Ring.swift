/// A ring buffer in the CXL Hotness Monitoring Unit's convention: the producer (hardware) owns
/// `tail`, the consumer (software) owns `head`; empty when head == tail, full when
/// (tail + 1) % size == head, so a ring of `size` slots holds at most size − 1 entries.
public struct Ring<Entry: Sendable>: Sendable {
  public private(set) var slots: [Entry?]
  public private(set) var tail = 0
  /// Software's read position; set it past what it has consumed.
  public var head = 0 {
    didSet { head = ((head % slots.count) + slots.count) % slots.count }
  }

  public init(size: Int) {
    precondition(size >= 2, "a ring needs at least 2 slots")
    slots = Array(repeating: nil, count: size)
  }

  public var size: Int { slots.count }
  public var count: Int { (tail - head + size) % size }
  public var isEmpty: Bool { head == tail }
  public var isFull: Bool { (tail + 1) % size == head }

  /// Appends at the tail; false (and nothing written) when full.
  @discardableResult
  public mutating func push(_ entry: Entry) -> Bool {
    if isFull { return false }
    slots[tail] = entry
    tail = (tail + 1) % size
    return true
  }

  /// The entry at the head, if any.
  public var front: Entry? { isEmpty ? nil : slots[head] }

  /// Takes every entry from head to tail and moves head to tail.
  public mutating func drain() -> [Entry] {
    var out: [Entry] = []
    while let e = front {
      out.append(e)
      head += 1
    }
    return out
  }

  /// Empties the ring by moving the tail to the head (software owns the head, so it stays).
  mutating func clear() {
    for i in slots.indices { slots[i] = nil }
    tail = head
  }
}
