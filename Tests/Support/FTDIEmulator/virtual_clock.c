/*
 * The virtual clock. Nothing here sleeps: time only moves when the emulated hardware does
 * something that would take time on the bench, so tests of multi-second chip erases stay fast
 * and deterministic.
 *
 * Costs:
 *  - USB: a bulk OUT followed by the bulk IN that collects its reply costs
 *    config.round_trip_ns (default 125 us, one USB 2.0 high-speed microframe: a host
 *    schedules a transfer per microframe at best, so an OUT+IN pair is ~125 us or more).
 *    Half is charged per bulk transfer, so OUT-only streams cost half as much per transfer.
 *    A control transfer (setup + data + status stages) costs a whole round trip.
 *  - SPI: each clocked bit costs one SCK period at the MPSSE clock (1.5 periods with
 *    3-phase clocking, AN_108 "Enable 3 Phase Data Clocking").
 *  - Flash busy times: see flash_timing.c; they set a deadline, they do not advance time.
 */
#include "femu_internal.h"

void femu_clock_advance(uint64_t ns) {
  femu_g.now_ns += ns;
}

void femu_clock_usb_transfer(void) {
  femu_clock_advance(femu_g.config.round_trip_ns / 2);
}

void femu_clock_control_transfer(void) {
  femu_clock_advance(femu_g.config.round_trip_ns);
}

/* AN_108 "Set TCK/SK Divisor" (and "Disable Clk Divide by 5"): TCK = 60 MHz / ((1 + divisor) * 2) with the
 * divide-by-5 off (0x8A, FT2232H/FT4232H/FT232H only), 12 MHz / ((1 + divisor) * 2) with it
 * on (0x8B, the power-on default that keeps FT2232D compatibility). */
uint32_t femu_mpsse_clock_hz(const femu_ftdi_snapshot *mpsse) {
  uint32_t base = mpsse->divide_by_5 ? 12000000u : 60000000u;
  return base / ((1u + mpsse->clock_divisor) * 2u);
}

/* Picoseconds per SPI bit at the current clock, times 1.5 for three-phase clocking. */
uint64_t femu_spi_bit_ps(void) {
  const femu_ftdi_snapshot *mpsse = &femu_g.interfaces[0].snapshot;
  uint64_t ps = 1000000000000ull / femu_mpsse_clock_hz(mpsse);
  return mpsse->three_phase ? ps * 3 / 2 : ps;
}

/* Advances by `ps` picoseconds, carrying the sub-nanosecond remainder. */
void femu_clock_advance_ps(uint64_t ps) {
  ps += femu_g.spi_leftover_ps;
  femu_clock_advance(ps / 1000);
  femu_g.spi_leftover_ps = ps % 1000;
}

void femu_clock_spi_bits(uint64_t bits) {
  femu_clock_advance_ps(bits * femu_spi_bit_ps());
}
