/// A first-in first-out queue that reuses its storage, so a test bench's per-cycle work does
/// not allocate once the queue has reached its working size. Noncopyable, over raw storage: bench
/// loops touch it every cycle, and this keeps reference counting, copy-on-write checks and
/// optional tags out of them.
public struct RingBuffer<Element>: ~Copyable {
  @usableFromInline var storage: UnsafeMutablePointer<Element>
  @usableFromInline var capacity: Int
  @usableFromInline var head = 0
  @usableFromInline var storedCount = 0

  public init(capacity: Int = 16) {
    self.capacity = max(1, capacity).nextPowerOfTwo
    storage = .allocate(capacity: self.capacity)
  }

  deinit {
    for i in 0..<storedCount { (storage + ((head + i) & (capacity - 1))).deinitialize(count: 1) }
    storage.deallocate()
  }

  @inlinable public var count: Int { storedCount }
  @inlinable public var isEmpty: Bool { storedCount == 0 }
  @inlinable public var first: Element? { storedCount == 0 ? nil : storage[head] }

  // Index arithmetic wraps (&+, &-) instead of trapping: head and count stay below capacity, a
  // power of two far below Int.max, so the overflow checks could never fire and only cost the
  // per-cycle paths of every BFM a compare and branch each.
  @inlinable
  public mutating func append(_ element: Element) {
    if storedCount == capacity { grow() }
    (storage + ((head &+ storedCount) & (capacity &- 1))).initialize(to: element)
    storedCount &+= 1
  }

  @inlinable
  @discardableResult
  public mutating func removeFirst() -> Element {
    precondition(storedCount > 0, "removeFirst on an empty RingBuffer")
    return takeFirst()
  }

  /// The oldest element, removed; nil when empty.
  @inlinable
  public mutating func popFirst() -> Element? {
    storedCount == 0 ? nil : takeFirst()
  }

  @inlinable @inline(__always)
  mutating func takeFirst() -> Element {
    let element = (storage + head).move()
    head = (head &+ 1) & (capacity &- 1)
    storedCount &-= 1
    return element
  }

  // releasenone (true: it moves elements and frees raw memory) lets the optimizer keep a caller's
  // BFM borrowed across `append` instead of retaining and releasing it around every call.
  @usableFromInline @_effects(releasenone)
  mutating func grow() {
    let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
    for i in 0..<storedCount { (larger + i).moveInitialize(from: storage + ((head + i) & (capacity - 1)), count: 1) }
    storage.deallocate()
    storage = larger
    capacity *= 2
    head = 0
  }
}

extension Int {
  @usableFromInline
  var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
