import Foundation
import HDL
import Simulation
import Toolchain

/// The C++ side: the same traffic and checks as `SwiftBench`, written as a plain Verilator test
/// bench (`main` around the same Verilated model, built with the same flags minus the shared
/// library ones), so the ratio measures what the Swift bridge and BFMs cost.
struct NativeBench {
  let design: Design
  let folder: URL
  /// How the C++ loop reaches the model.
  var harness: Harness = .linked

  enum Harness {
    /// `main()` linked with the Verilated model: a plain Verilator test bench.
    case linked
    /// The same loop on the model library Swift uses (`path`), through the shim's function
    /// table as Swift calls it: what the library path costs, without Swift.
    case library(path: String)
  }

  struct Result {
    /// Per second of wall time, and per second of the bench thread's CPU time (see `SwiftBench.Result`).
    let cyclesPerSecond: Double
    let cyclesPerCPUSecond: Double
    let delivered: Int
    let mismatches: Int
  }

  /// Writes and builds the bench; `run` runs it.
  func build() throws {
    try? FileManager.default.removeItem(at: folder)
    if case .library = harness { return try buildOnLibrary() }
    let files = try VerilogFiles(design, in: folder)
    let bench = folder.appendingPathComponent("bench.cpp")
    try Data(source.utf8).write(to: bench)
    let sharedOnly: Set<String> = ["-fPIC", "-shared", "-Wl,-Bsymbolic", "libmodel.so"]
    var flags: [String] = []
    for flag in ModelCache.verilatorFlags(for: .fst) {
      if sharedOnly.contains(flag) { flags.removeLast(); continue }  // drop the flag and its -CFLAGS/-LDFLAGS/-o
      flags.append(flag)
    }
    let build = try Toolchain.run(try ExternalTool.verilator.locate(),
                                  flags + ["-o", "bench_native", "--top-module", design.top] + files.files.map(\.path) + [bench.path],
                                  in: folder)
    guard build.status == 0 else { throw ToolchainError.failed(tool: "verilator (native bench)", status: build.status, output: build.output) }
  }

  /// g++ -O2 (Verilator's OPT_FAST here) on the loop, which loads the library itself.
  private func buildOnLibrary() throws {
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("obj"), withIntermediateDirectories: true)
    let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/CVerilator/include").standardized
    let bench = folder.appendingPathComponent("bench.cpp")
    try Data(source.utf8).write(to: bench)
    let build = try Toolchain.run("/usr/bin/env", ["g++", "-O2", "-I", header.path, "-o", folder.appendingPathComponent("obj/bench_native").path,
                                                   bench.path, "-ldl"])
    guard build.status == 0 else { throw ToolchainError.failed(tool: "g++ (C++ bench on the library)", status: build.status, output: build.output) }
  }

  func run(cycles: Int) throws -> Result {
    var arguments = ["\(cycles)"]
    if case .library(let path) = harness { arguments.append(path) }
    let run = try Toolchain.run(folder.appendingPathComponent("obj/bench_native").path, arguments)
    guard run.status == 0 else { throw ToolchainError.failed(tool: "bench_native", status: run.status, output: run.output) }
    var values: [String: Double] = [:]
    for line in run.output.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      if parts.count == 2, let value = Double(parts[1]) { values[parts[0]] = value }
    }
    guard let rate = values["cycles_per_second"], let cpuRate = values["cycles_per_cpu_second"], let delivered = values["delivered"],
          let mismatches = values["mismatches"] else {
      throw ToolchainError.badOutput("bench_native printed no figures:\n\(run.output)")
    }
    return Result(cyclesPerSecond: rate, cyclesPerCPUSecond: cpuRate, delivered: Int(delivered), mismatches: Int(mismatches))
  }

  /// The C++ that differs between the two harnesses; the loop around it is one text.
  private struct Snippets {
    var includes, setup, reset, outReady, settle, outValid, outData, outLast, edge, finish: String
  }

  private var snippets: Snippets {
    let n = Stimulus.requesters
    switch harness {
    case .linked:
      func list(_ member: String) -> String { (0..<n).map { "&top.in\($0)_\(member)" }.joined(separator: ", ") }
      return Snippets(
        includes: "#include \"Vmodel.h\"\n#include \"verilated.h\"",
        setup: """
          VerilatedContext context;
          Vmodel top(&context, "TOP");
          CData *valid[n] = {\(list("valid"))};
          CData *ready[n] = {\(list("ready"))};
          CData *last[n] = {\(list("last"))};
          IData *data[n] = {\(list("data"))};
        """,
        reset: """
          top.clk = 0;
          top.rst = 1;
          top.eval();
          for (int i = 0; i < 2; ++i) { top.clk = 1; top.eval(); top.clk = 0; top.eval(); }
          top.rst = 0;
          top.eval();
        """,
        outReady: "top.out_ready", settle: "top.eval();", outValid: "top.out_valid", outData: "top.out_data", outLast: "top.out_last",
        edge: """
        top.clk = 1;
            top.eval();
            top.clk = 0;
        """,
        finish: "top.final();")
    case .library:
      func list(_ member: String, _ type: String) -> String {
        (0..<n).map { "static_cast<\(type) *>(port(\"in\($0)_\(member)\"))" }.joined(separator: ", ")
      }
      return Snippets(
        includes: "#include \"strata_model.h\"\n#include <cstring>\n#include <dlfcn.h>\ntypedef uint8_t CData;\ntypedef uint32_t IData;",
        setup: """
          void *library = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
          if (library == nullptr) { std::fprintf(stderr, "%s\\n", dlerror()); return 1; }
          typedef const strata_model_api *(*Entry)(void);
          const strata_model_api *api = reinterpret_cast<Entry>(dlsym(library, "strata_model_api_v1"))();
          strata_model *model = api->create("TOP");
          const strata_port *ports = api->ports(model);
          auto index = [&](const char *name) -> uint32_t {
            for (uint32_t i = 0; i < api->port_count; ++i) if (std::strcmp(ports[i].name, name) == 0) return i;
            std::fprintf(stderr, "no port %s\\n", name);
            std::exit(1);
          };
          auto port = [&](const char *name) { return ports[index(name)].words; };
          CData *valid[n] = {\(list("valid", "CData"))};
          CData *ready[n] = {\(list("ready", "CData"))};
          CData *last[n] = {\(list("last", "CData"))};
          IData *data[n] = {\(list("data", "IData"))};
          CData *outReady = static_cast<CData *>(port("out_ready")), *outValid = static_cast<CData *>(port("out_valid"));
          CData *outLast = static_cast<CData *>(port("out_last"));
          IData *outData = static_cast<IData *>(port("out_data"));
          const uint32_t clock = index("clk");
        """,
        reset: """
          api->reset(model, clock, index("rst"), 1, 2);
          api->eval(model);
        """,
        outReady: "*outReady", settle: "api->eval(model);", outValid: "*outValid", outData: "*outData", outLast: "*outLast",
        edge: "api->run_cycles(model, clock, 1, 1);",
        finish: "api->destroy(model);")
    }
  }

  private var source: String {
    let n = Stimulus.requesters
    let h = snippets
    return """
    // The benchmark traffic of Benchmarks/SimulationBench/Stimulus.swift as a native Verilator bench.
    \(h.includes)
    #include <chrono>
    #include <cstdint>
    #include <cstdio>
    #include <cstdlib>
    #include <ctime>

    namespace {
    // xoshiro256** seeded through SplitMix64 from seed ^ FNV-1a(stream), as SimulationRandom.
    struct Random {
      uint64_t s[4];
      Random(uint64_t seed, const char *stream) {
        uint64_t hash = 0xcbf29ce484222325ULL;
        for (const char *p = stream; *p; ++p) hash = (hash ^ static_cast<uint8_t>(*p)) * 0x100000001b3ULL;
        uint64_t mixer = seed ^ hash;
        for (int i = 0; i < 4; ++i) {
          mixer += 0x9e3779b97f4a7c15ULL;
          uint64_t z = mixer;
          z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
          z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
          s[i] = z ^ (z >> 31);
        }
      }
      static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
      uint64_t next() {
        uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
        return result;
      }
      bool chance(uint64_t threshold) { return threshold == UINT64_MAX || next() < threshold; }
    };

    double threadCPUSeconds() {
      timespec t;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      return t.tv_sec + t.tv_nsec / 1e9;
    }

    uint64_t threshold(double p) { return p >= 1 ? UINT64_MAX : static_cast<uint64_t>(p * 18446744073709551616.0); }

    struct Queue {  // fixed ring of 1024 words
      uint64_t words[1024];
      unsigned head = 0, count = 0;
      void push(uint64_t w) { if (count == 1024) { std::fprintf(stderr, "queue overflow\\n"); std::exit(2); } words[(head + count++) & 1023] = w; }
      uint64_t pop() { uint64_t w = words[head]; head = (head + 1) & 1023; --count; return w; }
      uint64_t front() const { return words[head]; }
    };
    }  // namespace

    int main(int argc, char **argv) {
      const uint64_t cycles = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000ULL;
      constexpr int n = \(n);
      const uint64_t seed = \(Stimulus.seed)ULL;
    \(h.setup)
      Random packets(seed, "packets"), out(seed, "out");
      Random in[n] = {\((0..<n).map { "Random(seed, \"in\($0)\")" }.joined(separator: ", "))};
      const uint64_t validThreshold = threshold(\(Stimulus.validProbability)), readyThreshold = threshold(\(Stimulus.readyProbability));
      Queue pending[n], expected[n];
      bool offering[n] = {};
      uint64_t delivered = 0, mismatches = 0;
      // StreamMonitor's producer check: once out_valid is raised it stays raised, with out_data
      // unchanged, until the word is taken.
      bool hasStalledWord = false;
      uint32_t stalledWord = 0;

    \(h.reset)

      auto start = std::chrono::steady_clock::now();
      const double cpuStart = threadCPUSeconds();
      for (uint64_t cycle = 0; cycle < cycles; ++cycle) {
        for (int i = 0; i < n; ++i) {
          if (pending[i].count >= 2) continue;
          int beats = static_cast<int>(packets.next() % 4) + 1;
          for (int beat = 0; beat < beats; ++beat) {
            uint64_t word = (packets.next() & 0x3fffffffULL) | static_cast<uint64_t>(i) << 30;
            if (word >> 32 != 0) ++mismatches;  // StreamDriver.send's check that the word fits the 32-bit port
            pending[i].push(word << 1 | (beat == beats - 1 ? 1 : 0));
          }
        }
        for (int i = 0; i < n; ++i) {
          if (!offering[i] && pending[i].count > 0 && in[i].chance(validThreshold)) {
            offering[i] = true;
            *data[i] = static_cast<IData>(pending[i].front() >> 1);
            *last[i] = pending[i].front() & 1;
          }
          *valid[i] = offering[i];
        }
        const bool readyNow = out.chance(readyThreshold);
        \(h.outReady) = readyNow;
        \(h.settle)
        for (int i = 0; i < n; ++i) {
          if (offering[i] && *ready[i]) { offering[i] = false; expected[i].push(pending[i].pop()); }
        }
        if (!\(h.outValid)) {
          if (hasStalledWord) ++mismatches;  // valid fell before the word was taken
          hasStalledWord = false;
        } else {
          const uint32_t word = \(h.outData);
          if (hasStalledWord && word != stalledWord) ++mismatches;  // data changed while waiting for ready
          if (!readyNow) {
            hasStalledWord = true;
            stalledWord = word;
          } else {
            hasStalledWord = false;
            const uint64_t beat = static_cast<uint64_t>(word) << 1 | \(h.outLast);
            Queue &queue = expected[word >> 30];
            if (queue.count == 0 || queue.pop() != beat) ++mismatches; else ++delivered;
          }
        }
        \(h.edge)
      }
      const double cpuSeconds = threadCPUSeconds() - cpuStart;
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      \(h.finish)
      std::printf("cycles_per_second: %.0f\\ncycles_per_cpu_second: %.0f\\ndelivered: %llu\\nmismatches: %llu\\n", cycles / seconds,
                  cycles / cpuSeconds, static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(mismatches));
      return 0;
    }

    """
  }
}
