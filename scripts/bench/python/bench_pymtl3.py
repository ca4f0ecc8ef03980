"""The elaboration benchmark's designs in PyMTL3 3.1, translated to Verilog and timed.

Usage: python bench_pymtl3.py OUT_DIR FIFO_COUNT

Writes the same files as bench_amaranth.py (crossbar/, fifos/, fifo/, arbiter/) and prints
one JSON object with "crossbar_seconds", "fifos_seconds" and the "tops" (module names).

The FIFO is the standard library's `pymtl3.stdlib.stream.queues.NormalQueueRTL` (first word
falls through; recv val/rdy/msg, send val/rdy/msg, plus count). The arbiter wraps the standard
library's `RoundRobinArbiterEn` (grant to the first request at or after the priority pointer,
which moves one past the grant when the output transfers) with a payload multiplexer.
"""

import json
import os
import sys
import time

from pymtl3 import Component, InPort, clog2, mk_bits, update
from pymtl3.passes.backends.verilog import VerilogTranslationPass
from pymtl3.passes.backends.yosys import YosysTranslationPass
from pymtl3.stdlib.basic_rtl.arbiters import RoundRobinArbiterEn
from pymtl3.stdlib.stream.ifcs import RecvIfcRTL, SendIfcRTL
from pymtl3.stdlib.stream.queues import NormalQueueRTL

from family import CROSSBAR_PORTS, CROSSBAR_WIDTH, ARBITER_WIDTH, FIFO_DEPTH, FIFO_WIDTH, fifo_parameters


class StreamArbiter(Component):
    """`nreqs` val/rdy requesters granted round-robin to one val/rdy output."""

    def construct(s, nreqs, Type):
        s.recv = [RecvIfcRTL(Type) for _ in range(nreqs)]
        s.send = SendIfcRTL(Type)
        s.arbiter = RoundRobinArbiterEn(nreqs)
        s.arbiter.en //= s.send.rdy
        for i in range(nreqs):
            s.arbiter.reqs[i] //= s.recv[i].val

        @update
        def route():
            s.send.val @= s.arbiter.grants != 0
            s.send.msg @= 0
            for i in range(nreqs):
                s.recv[i].rdy @= s.arbiter.grants[i] & s.send.rdy
                if s.arbiter.grants[i]:
                    s.send.msg @= s.recv[i].msg


class Crossbar(Component):
    """`nports` input streams, each with a destination, routed to `nports` output streams,
    one round-robin arbiter per output."""

    def construct(s, nports, Type):
        s.recv = [RecvIfcRTL(Type) for _ in range(nports)]
        s.dest = [InPort(clog2(nports)) for _ in range(nports)]
        s.send = [SendIfcRTL(Type) for _ in range(nports)]
        s.arbiters = [StreamArbiter(nports, Type) for _ in range(nports)]
        for j in range(nports):
            s.arbiters[j].send //= s.send[j]
            for i in range(nports):
                s.arbiters[j].recv[i].msg //= s.recv[i].msg

        @update
        def route():
            for i in range(nports):
                s.recv[i].rdy @= 0
                for j in range(nports):
                    s.arbiters[j].recv[i].val @= s.recv[i].val & (s.dest[i] == j)
                    if s.dest[i] == j:
                        s.recv[i].rdy @= s.arbiters[j].recv[i].rdy


def translate(component, out_dir, name, backend=VerilogTranslationPass):
    """Elaborates `component` and writes its Verilog as OUT_DIR/<name>.v.

    `VerilogTranslationPass` writes SystemVerilog (unpacked array ports) that Verilator reads;
    `YosysTranslationPass` is PyMTL3's own flattening of it for Yosys, which cannot read those ports.
    """
    os.makedirs(out_dir, exist_ok=True)
    here = os.getcwd()
    os.chdir(out_dir)
    try:
        component.set_metadata(backend.explicit_module_name, name)
        component.set_metadata(backend.explicit_file_name, f"{name}.v")
        component.elaborate()
        component.set_metadata(backend.enable, True)
        component.apply(backend())
    finally:
        os.chdir(here)


def main():
    out_dir, fifo_count = sys.argv[1], int(sys.argv[2])

    start = time.perf_counter()
    translate(Crossbar(CROSSBAR_PORTS, mk_bits(CROSSBAR_WIDTH)), f"{out_dir}/crossbar", "crossbar")
    crossbar_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for depth, width in fifo_parameters(fifo_count):
        translate(NormalQueueRTL(mk_bits(width), depth), f"{out_dir}/fifos", f"fifo_depth{depth}_width{width}")
    fifos_seconds = time.perf_counter() - start

    translate(NormalQueueRTL(mk_bits(FIFO_WIDTH), FIFO_DEPTH), f"{out_dir}/fifo", "fifo")
    translate(StreamArbiter(16, mk_bits(ARBITER_WIDTH)), f"{out_dir}/arbiter", "arbiter")
    translate(NormalQueueRTL(mk_bits(FIFO_WIDTH), FIFO_DEPTH), f"{out_dir}/fifo-yosys", "fifo", YosysTranslationPass)
    translate(StreamArbiter(16, mk_bits(ARBITER_WIDTH)), f"{out_dir}/arbiter-yosys", "arbiter", YosysTranslationPass)

    print(json.dumps({"crossbar_seconds": crossbar_seconds, "fifos_seconds": fifos_seconds,
                      "tops": {"crossbar": "crossbar", "fifo": "fifo", "arbiter": "arbiter"}}))


if __name__ == "__main__":
    main()
