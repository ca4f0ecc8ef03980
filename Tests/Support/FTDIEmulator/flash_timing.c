/*
 * Busy times of the emulated flash, used when femu_config.timing_enabled.
 *
 * Defaults are the TYPICAL values of the Winbond W25Q128JV datasheet (Rev. F, 2018),
 * "AC Electrical Characteristics" table:
 *   tW   Write Status Register time      typ 10 ms   (max 15 ms)
 *   tPP  Page Program time               typ 0.4 ms  (max 3 ms)
 *   tSE  Sector Erase time (4 KB)        typ 45 ms   (max 400 ms)
 *   tBE1 Block Erase time (32 KB)        typ 120 ms  (max 1,600 ms)
 *   tBE2 Block Erase time (64 KB)        typ 150 ms  (max 2,000 ms)
 *   tCE  Chip Erase time                 typ 40 s    (max 200 s)
 * Typical, not maximum: tests want realistic totals; a flasher's timeouts must be derived
 * from the maxima (or SFDP), and the stuck-busy fault covers the "never finishes" case.
 */
#include "femu_internal.h"

enum {
  TW_NS = 10000000,
  TPP_NS = 400000,
  TSE_NS = 45000000,
  TBE1_NS = 120000000,
  TBE2_NS = 150000000,
};
static const uint64_t TCE_NS = 40000000000ull;

static uint64_t chosen(uint64_t configured, uint64_t datasheet) {
  return configured ? configured : datasheet;
}

/* Busy time of the operation started by `opcode`; 0 when timing is off. */
uint64_t femu_timing_ns(uint8_t opcode) {
  if (!femu_g.config.timing_enabled) return 0;
  const femu_timings *t = &femu_g.config.timings;
  switch (opcode) {
    case 0x01: case 0x31: return chosen(t->write_status_ns, TW_NS);
    case 0x02: case 0x12: return chosen(t->page_program_ns, TPP_NS);
    case 0x20: case 0x21: return chosen(t->sector_erase_ns, TSE_NS);
    case 0x52: return chosen(t->block_erase_32k_ns, TBE1_NS);
    case 0xD8: case 0xDC: return chosen(t->block_erase_64k_ns, TBE2_NS);
    case 0xC7: case 0x60: return chosen(t->chip_erase_ns, TCE_NS);
    default: return 0;
  }
}
