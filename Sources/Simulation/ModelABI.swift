/// The text of Sources/CVerilator/include/strata_model.h, written next to each generated shim
/// so a model builds wherever Strata runs (the source tree need not be present). A test keeps
/// the two identical.
enum ModelABI {
  static let version: UInt32 = 2

  static let header = """
    /*
     * strata_model.h: the one C boundary between Strata's Swift simulation code and a design
     * compiled by Verilator. It is design-independent: every per-design shim (generated C++ that
     * wraps one Verilated model) exports `strata_model_api_v1`, and Swift reaches everything else
     * through the function table it returns. One shared library holds one design; it may be
     * instantiated many times, each instance with its own VerilatedContext.
     *
     * Clocking contract (what run_cycles does, so tests and waveforms agree on one meaning of a
     * cycle): each cycle settles the current inputs with the clock low (skipped for the first cycle
     * when the caller says it has just called eval), dumps the trace at time 2k, raises the clock,
     * evaluates, dumps at 2k+1 and lowers the clock (the fall is evaluated by the next eval).
     */
    #ifndef STRATA_MODEL_H
    #define STRATA_MODEL_H

    #include <stdint.h>

    #ifdef __cplusplus
    extern "C" {
    #endif

    #define STRATA_MODEL_ABI_VERSION 2

    typedef enum strata_port_direction {
      STRATA_PORT_INPUT = 0,
      STRATA_PORT_OUTPUT = 1,
    } strata_port_direction;

    typedef enum strata_trace_format {
      STRATA_TRACE_NONE = 0,
      STRATA_TRACE_VCD = 1,
      STRATA_TRACE_FST = 2,
    } strata_trace_format;

    /* A top-level port. `words` points at the model's own storage of the port, little-endian:
     * 32-bit words for ports wider than 64 bits, otherwise one integer of `storage_bytes` bytes
     * (1, 2, 4 or 8), which on a little-endian host reads as the low bytes of 32-bit words.
     * Bits above `width` must be left zero when writing an input. */
    typedef struct strata_port {
      const char *name;
      uint32_t width;
      uint32_t direction;     /* strata_port_direction */
      uint32_t storage_bytes;
      void *words;
    } strata_port;

    /* One instance of the model, opaque to callers. */
    typedef struct strata_model strata_model;

    typedef struct strata_model_api {
      uint32_t abi_version;           /* STRATA_MODEL_ABI_VERSION */
      const char *top;                /* the Verilog top module */
      uint32_t trace_format;          /* strata_trace_format compiled into this library */
      uint32_t port_count;

      /* A new instance named `name` (the root scope in traces); NULL when out of memory. */
      strata_model *(*create)(const char *name);
      void (*destroy)(strata_model *model);
      /* `port_count` ports in declaration order; valid until destroy. */
      const strata_port *(*ports)(strata_model *model);
      /* Settles the design on its current inputs. Does not advance time. */
      void (*eval)(strata_model *model);
      /* Runs `cycles` cycles of the clock input at index `clock_port` (see the contract above). */
      void (*run_cycles)(strata_model *model, uint32_t clock_port, uint64_t cycles, int settled);
      /* Holds the input `reset_port` at `active_level` for `cycles` cycles of `clock_port`, then releases it. */
      void (*reset)(strata_model *model, uint32_t clock_port, uint32_t reset_port, uint32_t active_level,
                    uint64_t cycles);
      /* Starts writing a waveform in the library's format (`trace_format`) to `path`; 0 on success.
       * With `scope_count` > 0 only the listed scopes are dumped, as `$dumpvars(depths[i], scopes[i])`
       * would (dotted paths from the root; depth 1 = the scope's own signals, 2 = and its children's, ...). */
      int (*trace_open)(strata_model *model, const char *path, uint32_t scope_count, const char *const *scopes,
                        const uint32_t *depths);
      /* Dumps the current values at the current time (run_cycles dumps by itself). */
      void (*trace_dump)(strata_model *model);
      /* Flushes and closes the waveform; harmless when none is open. */
      void (*trace_close)(strata_model *model);
      /* Simulated time in half-cycles since create. */
      uint64_t (*time)(strata_model *model);
    } strata_model_api;

    /* The symbol Swift looks up with dlsym. */
    const strata_model_api *strata_model_api_v1(void);

    #ifdef __cplusplus
    }
    #endif

    #endif

    """
}
