/// Why an NTB driver call was refused. Each case carries the numbers a message needs: the
/// index asked for and the count there is, the value and the rule it broke.
public enum NTBError: Error, Equatable {
  /// The call needs the link up (ntb_mw_get_align and peer operations return -ENOTCONN).
  case linkDown
  /// `NTB_INFO` does not read as an NTB function here (all ones: nothing answers at the base).
  case noFunction(info: UInt32)
  case windowOutOfRange(window: Int, count: Int)
  /// A translated address not a multiple of `alignment` (`MWn_ALIGNMENT.ADDRESS_ALIGN_LOG2`).
  case addressMisaligned(address: UInt64, alignment: UInt64)
  /// A size that is not a power of two multiple of `alignment` or above `maximum`.
  case sizeNotAllowed(size: UInt64, alignment: UInt64, maximum: UInt64)
  case scratchpadOutOfRange(index: Int, count: Int)
  /// Doorbell bits outside `ntb_db_valid_mask`.
  case doorbellsInvalid(bits: UInt64, validMask: UInt64)
  case vectorOutOfRange(vector: Int, count: Int)
  case messageOutOfRange(index: Int, count: Int)
  /// The peer has not released the last message sent in this register (`OUT_FULL`).
  case messageBusy(index: Int)
  /// The function refused the message (the link went down) and did not send it.
  case messageRefused(index: Int)
  case requesterTableFull(capacity: Int)
}
