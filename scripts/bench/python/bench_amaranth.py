"""The elaboration benchmark's designs in Amaranth 0.5, emitted as Verilog and timed.

Usage: python bench_amaranth.py OUT_DIR FIFO_COUNT

Writes into OUT_DIR:
  crossbar/crossbar.v      the 16x16 crossbar of 256-bit streams (timed)
  fifos/fifos.v            FIFO_COUNT distinct SyncFIFO parameterisations (timed)
  fifo/fifo.v              the 16-deep, 64-bit FIFO alone (for Yosys synth)
  arbiter/arbiter.v        the 16-way round-robin arbiter alone, 8-bit payload (for Yosys synth)
and prints one JSON object with "crossbar_seconds", "fifos_seconds" and the "tops" (module names).

The FIFO is the standard library's `amaranth.lib.fifo.SyncFIFO` (first word falls through;
w_en/w_rdy/w_data in, r_en/r_rdy/r_data out, plus w_level/r_level). Amaranth 0.5 has no
round-robin arbiter, so `RoundRobinArbiter` below is written the usual way with `lib.stream`.
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


class RoundRobinArbiter(wiring.Component):
    """Grants one of `requesters` streams to one output stream.

    The grant goes to the first valid requester at or after `pointer`, wrapping around;
    when the output transfers a word, `pointer` moves to one past the granted requester.
    """

    def __init__(self, requesters, width):
        self.requesters = requesters
        super().__init__({
            "requests": In(stream.Signature(width)).array(requesters),
            "grant": Out(stream.Signature(width)),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.requesters
        pointer = Signal(range(n))
        chosen = Signal(range(n))
        valids = Signal(n)
        m.d.comb += valids.eq(Cat(r.valid for r in self.requests))

        # Requesters at or after the pointer take precedence over those before it.
        at_or_after = Signal(n)
        m.d.comb += at_or_after.eq(valids & ~((1 << pointer) - 1))
        with m.If(at_or_after.any()):
            for i in reversed(range(n)):
                with m.If(at_or_after[i]):
                    m.d.comb += chosen.eq(i)
        with m.Else():
            for i in reversed(range(n)):
                with m.If(valids[i]):
                    m.d.comb += chosen.eq(i)

        m.d.comb += [
            self.grant.valid.eq(valids.any()),
            self.grant.payload.eq(Array(r.payload for r in self.requests)[chosen]),
        ]
        m.d.comb += [self.requests[i].ready.eq(self.grant.ready & (chosen == i)) for i in range(n)]
        with m.If(self.grant.valid & self.grant.ready):
            m.d.sync += pointer.eq(Mux(chosen == n - 1, 0, chosen + 1))
        return m


class Crossbar(wiring.Component):
    """`ports` input streams, each with a destination, routed to `ports` output streams.

    Each output has its own round-robin arbiter over the inputs that address it.
    """

    def __init__(self, ports, width):
        self.ports = ports
        self.width = width
        super().__init__({
            "inputs": In(stream.Signature(width)).array(ports),
            "destinations": In(range(ports)).array(ports),
            "outputs": Out(stream.Signature(width)).array(ports),
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
                    arbiter.requests[i].valid.eq(self.inputs[i].valid & (self.destinations[i] == j)),
                    arbiter.requests[i].payload.eq(self.inputs[i].payload),
                ]
            wiring.connect(m, arbiter.grant, wiring.flipped(self.outputs[j]))
        for i in range(n):
            ready = 0
            for j in range(n):
                ready = ready | (arbiters[j].requests[i].ready & (self.destinations[i] == j))
            m.d.comb += self.inputs[i].ready.eq(ready)
        return m


def fifo_ports(f):
    return [f.w_data, f.w_en, f.w_rdy, f.w_level, f.r_data, f.r_en, f.r_rdy, f.r_level]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def main():
    out_dir, fifo_count = sys.argv[1], int(sys.argv[2])

    # Warm-up, not timed: the first Yosys call compiles its WebAssembly build.
    warm = SyncFIFO(width=2, depth=2)
    verilog.convert(warm, ports=fifo_ports(warm), name="warm_up")

    start = time.perf_counter()
    write(f"{out_dir}/crossbar/crossbar.v", verilog.convert(Crossbar(CROSSBAR_PORTS, CROSSBAR_WIDTH), name="crossbar"))
    crossbar_seconds = time.perf_counter() - start

    # One Yosys run converts all FIFOs: this spares Amaranth a thousand Yosys start-ups,
    # which makes the comparison kinder to Amaranth than calling verilog.convert per FIFO.
    start = time.perf_counter()
    texts = []
    for depth, width in fifo_parameters(fifo_count):
        f = SyncFIFO(width=width, depth=depth)
        texts.append(rtlil.convert(f, ports=fifo_ports(f), name=f"fifo_depth{depth}_width{width}"))
    write(f"{out_dir}/fifos/fifos.v", _convert_rtlil_text("\n".join(texts)))
    fifos_seconds = time.perf_counter() - start

    f = SyncFIFO(width=FIFO_WIDTH, depth=FIFO_DEPTH)
    write(f"{out_dir}/fifo/fifo.v", verilog.convert(f, ports=fifo_ports(f), name="fifo"))
    write(f"{out_dir}/arbiter/arbiter.v", verilog.convert(RoundRobinArbiter(16, ARBITER_WIDTH), name="arbiter"))

    print(json.dumps({"crossbar_seconds": crossbar_seconds, "fifos_seconds": fifos_seconds,
                      "tops": {"crossbar": "crossbar", "fifo": "fifo", "arbiter": "arbiter"}}))


if __name__ == "__main__":
    main()
