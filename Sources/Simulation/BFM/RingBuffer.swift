/// A first-in first-out queue that reuses its storage, so a test bench's per-cycle work does
/// not allocate once the queue has reached its working size.
public struct RingBuffer<Element> {
  @usableFromInline var storage: [Element?]
  @usableFromInline var head = 0
  @usableFromInline var storedCount = 0
  @inlinable public var count: Int { storedCount }

  @inlinable
  public init(capacity: Int = 16) {
    storage = Array(repeating: nil, count: max(1, capacity).nextPowerOfTwo)
  }

  @inlinable public var isEmpty: Bool { count == 0 }
  @inlinable public var first: Element? { count == 0 ? nil : storage[head] }

  @inlinable
  public mutating func append(_ element: Element) {
    if storedCount == storage.count { grow() }
    storage[(head + storedCount) & (storage.count - 1)] = element
    storedCount += 1
  }

  @inlinable
  @discardableResult
  public mutating func removeFirst() -> Element {
    precondition(count > 0, "removeFirst on an empty RingBuffer")
    let element = storage[head]!
    storage[head] = nil
    head = (head + 1) & (storage.count - 1)
    storedCount -= 1
    return element
  }

  @usableFromInline
  mutating func grow() {
    var larger: [Element?] = Array(repeating: nil, count: storage.count * 2)
    for i in 0..<count { larger[i] = storage[(head + i) & (storage.count - 1)] }
    storage = larger
    head = 0
  }
}

extension Int {
  @usableFromInline
  var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
