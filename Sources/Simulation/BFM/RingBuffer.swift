/// A first-in first-out queue that reuses its storage, so a test bench's per-cycle work does
/// not allocate once the queue has reached its working size.
public struct RingBuffer<Element> {
  private var storage: [Element?]
  private var head = 0
  public private(set) var count = 0

  public init(capacity: Int = 16) {
    storage = Array(repeating: nil, count: max(1, capacity).nextPowerOfTwo)
  }

  public var isEmpty: Bool { count == 0 }
  public var first: Element? { count == 0 ? nil : storage[head] }

  public mutating func append(_ element: Element) {
    if count == storage.count { grow() }
    storage[(head + count) & (storage.count - 1)] = element
    count += 1
  }

  @discardableResult
  public mutating func removeFirst() -> Element {
    precondition(count > 0, "removeFirst on an empty RingBuffer")
    let element = storage[head]!
    storage[head] = nil
    head = (head + 1) & (storage.count - 1)
    count -= 1
    return element
  }

  private mutating func grow() {
    var larger: [Element?] = Array(repeating: nil, count: storage.count * 2)
    for i in 0..<count { larger[i] = storage[(head + i) & (storage.count - 1)] }
    storage = larger
    head = 0
  }
}

extension Int {
  var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
