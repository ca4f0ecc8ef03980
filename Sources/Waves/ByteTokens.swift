#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whitespace-separated tokens read from a file descriptor in fixed chunks, so a file of any
/// size is read with a constant amount of memory. A token is valid until the next call.
final class ByteTokens {
  private let descriptor: Int32
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var start = 0
  private var end = 0
  private var exhausted = false
  /// The line the last token was on (1-based), for error messages.
  private(set) var line = 1
  /// Bytes consumed so far.
  private(set) var offset: UInt64 = 0

  init(descriptor: Int32, chunkSize: Int = 1 << 20) {
    self.descriptor = descriptor
    capacity = chunkSize
    buffer = .allocate(capacity: chunkSize)
  }

  /// Tokens of bytes already in memory (the whole input at once).
  init(contents: [UInt8]) {
    descriptor = -1
    capacity = max(contents.count, 1)
    buffer = .allocate(capacity: capacity)
    contents.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: contents.count) }
    end = contents.count
    exhausted = true
  }

  deinit { buffer.deallocate() }

  /// The next token, or nil at the end of the input.
  @inline(__always)
  func next() -> UnsafeBufferPointer<UInt8>? {
    // Skip whitespace, counting lines.
    while true {
      while start < end {
        let byte = buffer[start]
        if byte > 32 { break }
        if byte == 10 { line += 1 }
        start += 1
      }
      if start < end { break }
      if !refill() { return nil }
    }
    var index = start
    while true {
      while index < end && buffer[index] > 32 { index += 1 }
      if index < end || exhausted { break }
      // The token runs past the buffer: move it to the front and read more.
      let consumed = index - start
      if !refill() { index = start + consumed; break }
      index = start + consumed
    }
    let token = UnsafeBufferPointer(start: buffer + start, count: index - start)
    offset += UInt64(index - start)
    start = index
    return token
  }

  /// Keeps the unread bytes, reads more after them; false when nothing more came.
  private func refill() -> Bool {
    if exhausted { return false }
    let kept = end - start
    if start > 0 && kept > 0 { buffer.update(from: buffer + start, count: kept) }
    start = 0
    end = kept
    if end == capacity {
      // One token longer than the buffer (a very wide bus): grow.
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
      bigger.update(from: buffer, count: end)
      buffer.deallocate()
      buffer = bigger
      capacity *= 2
    }
    while true {
      let count = read(descriptor, buffer + end, capacity - end)
      if count > 0 {
        end += count
        return true
      }
      if count < 0 && errno == EINTR { continue }
      exhausted = true
      return false
    }
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  var text: String { String(decoding: self, as: UTF8.self) }

  /// The token as a decimal number, or nil when it is not one.
  var decimal: UInt64? {
    guard !isEmpty else { return nil }
    var value: UInt64 = 0
    for byte in self {
      guard byte >= 48 && byte <= 57 else { return nil }
      let (product, overflow) = value.multipliedReportingOverflow(by: 10)
      guard !overflow else { return nil }
      value = product &+ UInt64(byte - 48)
    }
    return value
  }
}
