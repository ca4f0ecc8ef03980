import HDL
import PCIe

/// The completion a configuration completer (a switch's bridges, an endpoint's Type 0 header)
/// sends for the one request it holds: CplD with the register's DW for a read, Cpl for a write,
/// UR for a `rejected` request, CRS (no data) for one it must `retry` later; Completer ID = the request's target, Byte Count 4, Lower Address
/// 0 (§2.2.9.1). Offered while `responding`. Also sinks the request beat's bits that a
/// configuration request does not use (one DW of payload, the header is held in `header`).
@StatementBuilder
func configurationCompletion(_ m: ModuleBuilder, completion: TLPStream, request: TLPStream, header: Signal,
                             readData: Signal, isWrite: Signal, rejected: Signal, responding: Signal,
                             retry: Signal = .low) -> [Statement] {
  let width = completion.data.width
  let fields = TLPHeaderFields(header)
  let status = priority([(retry, Signal.constant(Int(CompletionStatus.configurationRetry.rawValue), width: 3)),
                         (rejected, Signal.constant(Int(CompletionStatus.unsupportedRequest.rawValue), width: 3))],
                        otherwise: Signal.constant(Int(CompletionStatus.successful.rawValue), width: 3))
  let four = Signal.constant(4, width: 12), zero7 = Signal.zero(width: 7)
  let withData = completionHeader(answering: fields, completer: fields.routingID, status: status, byteCount: four,
                                  lowerAddress: zero7, withData: true, length: .constant(1, width: 10))
  let without = completionHeader(answering: fields, completer: fields.routingID, status: status, byteCount: four,
                                 lowerAddress: zero7)
  let carriesData = m.wire("carries_data")
  carriesData <== !isWrite && !rejected && !retry
  completion.valid <== responding
  completion.header <== mux(carriesData, withData, without)
  completion.data <== readData.zeroExtended(to: width)
  completion.strobe <== carriesData.zeroExtended(to: width / 32)
  completion.start <== true
  completion.end <== true
  // Named *unused* so that Verilator -Wall knows: a configuration request uses one DW of
  // payload and a few header fields; the rest of its beat is read by no one.
  let unused = m.wire("unused_request_bits", width: width - 32 + width / 32 + 1 + TLPStream.headerWidth)
  unused <== concat(request.data[32..<width], request.strobe, request.start, header)
}
