"""The elaboration benchmark's designs in Amaranth 0.5, emitted as Verilog and timed.

Usage: python bench_amaranth.py OUT_DIR FIFO_COUNT

Writes into OUT_DIR:
  crossbar/crossbar.v      the 16x16 crossbar of 256-bit packet streams (timed)
  fifos/fifos.v            FIFO_COUNT distinct FIFO parameterisations (timed)
  fifo/fifo.v              the 16-deep, 64-bit FIFO alone (for Yosys synth)
  arbiter/arbiter.v        the 16-way round-robin arbiter alone, 8-bit beats (for Yosys synth)
and prints one JSON object with the wall-clock and CPU (`time.process_time`, which includes
Amaranth's in-process WebAssembly Yosys) seconds of each, the "tops" (module names) and the
"family" (the FIFO modules' names).

The designs follow Strata's `Cores` (Sources/Cores) port for port and cycle for cycle:
- `Fifo` is the standard library's `amaranth.lib.fifo.SyncFIFO` (first word falls through)
  with the count, full/empty and almost-full/empty flags of Strata's `fifo` around it.
- Amaranth 0.5 has no arbiter, so `RoundRobinArbiter` is written here the way Strata's
  `roundRobinArbiter` is specified and built: a packet arbiter that holds the grant until
  `last`, finding the next owner in the requests rotated to start after the last grant.
"""

import json
import os
import sys
import time

from amaranth.hdl import Array, Cat, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.fifo import SyncFIFO
from amaranth.lib.wiring import In, Out
from amaranth.back import rtlil, verilog
from amaranth.back.verilog import _convert_rtlil_text

from family import CROSSBAR_PORTS, CROSSBAR_WIDTH, ARBITER_WIDTH, FIFO_DEPTH, FIFO_WIDTH, fifo_parameters


class Fifo(wiring.Component):
    """SyncFIFO with Strata's flags: almost_full is count >= depth - 1, almost_empty count <= 1."""

    def __init__(self, depth, width):
        self.depth = depth
        self.width = width
        super().__init__({
            "enq": In(stream.Signature(width)),
            "deq": Out(stream.Signature(width)),
            "count": Out(range(depth + 1)),
            "full": Out(1),
            "empty": Out(1),
            "almost_full": Out(1),
            "almost_empty": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.storage = storage = SyncFIFO(width=self.width, depth=self.depth)
        m.d.comb += [
            storage.w_en.eq(self.enq.valid),
            storage.w_data.eq(self.enq.payload),
            self.enq.ready.eq(storage.w_rdy),
            self.deq.valid.eq(storage.r_rdy),
            self.deq.payload.eq(storage.r_data),
            storage.r_en.eq(self.deq.ready),
            self.count.eq(storage.r_level),
            self.full.eq(self.count == self.depth),
            self.empty.eq(self.count == 0),
            self.almost_full.eq(self.count >= self.depth - 1),
            self.almost_empty.eq(self.count <= 1),
        ]
        return m


def packet_signature(width):
    """A ready/valid stream with `last` marking a packet's final beat."""
    return wiring.Signature({"valid": Out(1), "ready": In(1), "data": Out(width), "last": Out(1)})


def lowest_set_bit(m, bits, result):
    """Drives `result` with the index of the lowest set bit of `bits` (0 when none is)."""
    m.d.comb += result.eq(0)
    for i in reversed(range(len(bits))):
        with m.If(bits[i]):
            m.d.comb += result.eq(i)


class RoundRobinArbiter(wiring.Component):
    """Merges `requesters` packet streams into one, a whole packet at a time.

    With no grant held, the grant goes in the same cycle to the first valid requester after the
    last granted one (requester 0 first after reset); it is held until the beat with `last` is
    accepted. `grant` is one-hot, `grant_index` its index.
    """

    def __init__(self, requesters, width):
        self.requesters = requesters
        super().__init__({
            "inputs": In(packet_signature(width)).array(requesters),
            "out": Out(packet_signature(width)),
            "grant": Out(requesters),
            "grant_index": Out(range(requesters)),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.requesters
        holding = Signal()
        owner = Signal(range(n))
        last_granted = Signal(range(n), init=n - 1)
        requests = Signal(n)
        start = Signal(range(n))
        rotated = Signal(n)
        offset = Signal(range(n))
        next_owner = Signal(range(n))
        current = Signal(range(n))
        ends = Signal()

        m.d.comb += [
            requests.eq(Cat(p.valid for p in self.inputs)),
            # The requests rotated so that the requester after the last granted one is bit 0:
            # their lowest set bit is the next owner's distance from it.
            start.eq(Mux(last_granted == n - 1, 0, last_granted + 1)),
            rotated.eq(Cat(requests, requests) >> start),
        ]
        lowest_set_bit(m, rotated, offset)
        m.d.comb += [
            next_owner.eq(Mux(start + offset >= n, start + offset - n, start + offset)),
            current.eq(Mux(holding, owner, next_owner)),
            self.grant.eq(Cat((holding | requests.any()) & (current == i) for i in range(n))),
            self.grant_index.eq(current),
            self.out.valid.eq(Array(p.valid for p in self.inputs)[current]),
            self.out.data.eq(Array(p.data for p in self.inputs)[current]),
            self.out.last.eq(Array(p.last for p in self.inputs)[current]),
            ends.eq(self.out.valid & self.out.ready & self.out.last),
        ]
        m.d.comb += [self.inputs[i].ready.eq(self.out.ready & self.grant[i]) for i in range(n)]
        with m.If(~holding & requests.any()):
            m.d.sync += [owner.eq(next_owner), last_granted.eq(next_owner), holding.eq(~ends)]
        with m.Elif(ends):
            m.d.sync += holding.eq(0)
        return m


class Crossbar(wiring.Component):
    """`ports` input packet streams, each with a destination held for the whole packet, routed
    to `ports` output packet streams through one round-robin arbiter per output."""

    def __init__(self, ports, width):
        self.ports = ports
        self.width = width
        super().__init__({
            "inputs": In(packet_signature(width)).array(ports),
            "destinations": In(range(ports)).array(ports),
            "outputs": Out(packet_signature(width)).array(ports),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.ports
        arbiters = []
        for j in range(n):
            arbiter = RoundRobinArbiter(n, self.width)
            m.submodules[f"arbiter{j}"] = arbiter
            arbiters.append(arbiter)
            for i in range(n):
                m.d.comb += [
                    arbiter.inputs[i].valid.eq(self.inputs[i].valid & (self.destinations[i] == j)),
                    arbiter.inputs[i].data.eq(self.inputs[i].data),
                    arbiter.inputs[i].last.eq(self.inputs[i].last),
                ]
            wiring.connect(m, arbiter.out, wiring.flipped(self.outputs[j]))
        for i in range(n):
            m.d.comb += self.inputs[i].ready.eq(
                Cat(arbiters[j].inputs[i].ready & (self.destinations[i] == j) for j in range(n)).any())
        return m


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def main():
    out_dir, fifo_count = sys.argv[1], int(sys.argv[2])

    # Warm-up, not timed: the first Yosys call compiles its WebAssembly build.
    verilog.convert(Fifo(2, 2), name="warm_up")

    start, start_cpu = time.perf_counter(), time.process_time()
    write(f"{out_dir}/crossbar/crossbar.v", verilog.convert(Crossbar(CROSSBAR_PORTS, CROSSBAR_WIDTH), name="crossbar"))
    crossbar_seconds, crossbar_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    # One Yosys run converts all FIFOs: this spares Amaranth a thousand Yosys start-ups,
    # which makes the comparison kinder to Amaranth than calling verilog.convert per FIFO.
    start, start_cpu = time.perf_counter(), time.process_time()
    names, texts = [], []
    for depth, width in fifo_parameters(fifo_count):
        names.append(f"fifo_depth{depth}_width{width}")
        texts.append(rtlil.convert(Fifo(depth, width), name=names[-1]))
    write(f"{out_dir}/fifos/fifos.v", _convert_rtlil_text("\n".join(texts)))
    fifos_seconds, fifos_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    write(f"{out_dir}/fifo/fifo.v", verilog.convert(Fifo(FIFO_DEPTH, FIFO_WIDTH), name="fifo"))
    write(f"{out_dir}/arbiter/arbiter.v", verilog.convert(RoundRobinArbiter(16, ARBITER_WIDTH), name="arbiter"))

    print(json.dumps({"crossbar_seconds": crossbar_seconds, "fifos_seconds": fifos_seconds,
                      "crossbar_cpu_seconds": crossbar_cpu, "fifos_cpu_seconds": fifos_cpu,
                      "tops": {"crossbar": "crossbar", "fifo": "fifo", "arbiter": "arbiter"}, "family": names}))


if __name__ == "__main__":
    main()
