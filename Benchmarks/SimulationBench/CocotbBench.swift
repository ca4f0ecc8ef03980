import Foundation
import HDL

/// The cocotb side: writes a cocotb 1.9 test doing the benchmark traffic and checks of
/// `Stimulus` on the same Verilog, for scripts/bench/sim to run under Icarus in a throw-away venv.
/// The test writes its figures to `result.txt` in its folder.
struct CocotbBench {
  let design: Design
  let folder: URL

  func write(cycles: Int) throws {
    try? FileManager.default.removeItem(at: folder)
    let rtl = folder.appendingPathComponent("rtl")
    try FileManager.default.createDirectory(at: rtl, withIntermediateDirectories: true)
    for file in design.verilogFiles() { try Data(file.contents.utf8).write(to: rtl.appendingPathComponent(file.name)) }
    try Data(makefile.utf8).write(to: folder.appendingPathComponent("Makefile"))
    try Data(test(cycles: cycles).utf8).write(to: folder.appendingPathComponent("bench_test.py"))
  }

  private var makefile: String {
    """
    # The benchmark design under cocotb and Icarus (written by SimulationBench).
    SIM ?= icarus
    TOPLEVEL_LANG = verilog
    VERILOG_SOURCES = \(design.verilogFiles().map { "$(PWD)/rtl/\($0.name)" }.joined(separator: " "))
    TOPLEVEL = \(design.top)
    MODULE = bench_test
    include $(shell cocotb-config --makefiles)/Makefile.sim

    """
  }

  private func test(cycles: Int) -> String {
    """
    # The benchmark traffic of Benchmarks/SimulationBench/Stimulus.swift as a cocotb test.
    import time

    import cocotb
    from cocotb.triggers import Timer

    MASK = (1 << 64) - 1


    class Random:
        \"\"\"xoshiro256** seeded through SplitMix64 from seed ^ FNV-1a(stream), as SimulationRandom.\"\"\"

        def __init__(self, seed, stream):
            h = 0xCBF29CE484222325
            for byte in stream.encode():
                h = ((h ^ byte) * 0x100000001B3) & MASK
            mixer = seed ^ h
            self.s = []
            for _ in range(4):
                mixer = (mixer + 0x9E3779B97F4A7C15) & MASK
                z = mixer
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
                self.s.append(z ^ (z >> 31))

        @staticmethod
        def rotl(x, k):
            return ((x << k) | (x >> (64 - k))) & MASK

        def next(self):
            s = self.s
            result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
            t = (s[1] << 17) & MASK
            s[2] ^= s[0]
            s[3] ^= s[1]
            s[1] ^= s[2]
            s[0] ^= s[3]
            s[2] ^= t
            s[3] = self.rotl(s[3], 45)
            return result

        def chance(self, threshold):
            return threshold == MASK or self.next() < threshold


    def threshold(p):
        return MASK if p >= 1 else int(p * 18446744073709551616.0)


    @cocotb.test()
    async def bench(dut):
        cycles, n, seed = \(cycles), \(Stimulus.requesters), \(Stimulus.seed)
        valid = [getattr(dut, f"in{i}_valid") for i in range(n)]
        ready = [getattr(dut, f"in{i}_ready") for i in range(n)]
        data = [getattr(dut, f"in{i}_data") for i in range(n)]
        last = [getattr(dut, f"in{i}_last") for i in range(n)]
        packets, out = Random(seed, "packets"), Random(seed, "out")
        rin = [Random(seed, f"in{i}") for i in range(n)]
        valid_threshold, ready_threshold = threshold(\(Stimulus.validProbability)), threshold(\(Stimulus.readyProbability))
        pending = [[] for _ in range(n)]
        expected = [[] for _ in range(n)]
        offering = [False] * n
        delivered = mismatches = 0
        stalled = None  # StreamMonitor's producer check: the word offered and not taken last cycle

        dut.clk.value = 0
        dut.rst.value = 1
        for i in range(n):
            valid[i].value = 0
        dut.out_ready.value = 0
        await Timer(1, "ns")
        for _ in range(2):
            dut.clk.value = 1
            await Timer(1, "ns")
            dut.clk.value = 0
            await Timer(1, "ns")
        dut.rst.value = 0

        start = time.perf_counter()
        for cycle in range(cycles):
            for i in range(n):
                if len(pending[i]) < 2:
                    beats = packets.next() % 4 + 1
                    for beat in range(beats):
                        word = (packets.next() & 0x3FFFFFFF) | (i << 30)
                        if word >> 32:
                            mismatches += 1  # StreamDriver.send's check that the word fits the port
                        pending[i].append((word << 1) | (1 if beat == beats - 1 else 0))
            for i in range(n):
                if not offering[i] and pending[i] and rin[i].chance(valid_threshold):
                    offering[i] = True
                    data[i].value = pending[i][0] >> 1
                    last[i].value = pending[i][0] & 1
                valid[i].value = 1 if offering[i] else 0
            ready_now = out.chance(ready_threshold)
            dut.out_ready.value = 1 if ready_now else 0
            await Timer(1, "ns")
            for i in range(n):
                if offering[i] and int(ready[i].value) == 1:
                    offering[i] = False
                    expected[i].append(pending[i].pop(0))
            if int(dut.out_valid.value) == 0:
                if stalled is not None:
                    mismatches += 1  # valid fell before the word was taken
                stalled = None
            else:
                word = int(dut.out_data.value)
                if stalled is not None and word != stalled:
                    mismatches += 1  # data changed while waiting for ready
                if not ready_now:
                    stalled = word
                else:
                    stalled = None
                    beat = (word << 1) | int(dut.out_last.value)
                    queue = expected[word >> 30]
                    if queue and queue.pop(0) == beat:
                        delivered += 1
                    else:
                        mismatches += 1
            dut.clk.value = 1
            await Timer(1, "ns")
            dut.clk.value = 0
        seconds = time.perf_counter() - start
        with open("result.txt", "w") as f:
            f.write(f"cycles_per_second: {cycles / seconds:.1f}\\ndelivered: {delivered}\\nmismatches: {mismatches}\\n")

    """
  }
}
