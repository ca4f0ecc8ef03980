/*
 * The flash array and what may change it: creation, power-on state, block protection,
 * page program and erase, and the power-cut fault that interrupts them.
 *
 * Behaviour follows the Winbond W25Q128JV datasheet:
 *  - "Page Program (02h)": programming only clears bits (new = old AND data); the page is
 *    256 bytes; needs WEL; WEL is cleared when the operation completes.
 *  - "Sector Erase (20h)", "32KB/64KB Block Erase (52h/D8h)", "Chip Erase (C7h/60h)" set their sector/block (aligned down) to 0xFF; Chip Erase is
 *    not executed if any region is protected by the BP bits.
 *  - "Status Registers": BP0..BP2 (bits 2..4) with TB (bit 5) choose the protected
 *    range; this model uses the CMP = 0, SEC = 0 rows of the "Status Register Memory Protection" table:
 *    BP = 1..6 protects the upper (TB = 0) or lower (TB = 1) size >> (7 - BP) bytes, BP = 7
 *    the whole array. A program/erase touching the protected range is not executed.
 *
 * Our own choices (no datasheet says what a half-finished operation leaves behind):
 *  - A refused operation (no WEL, protected) leaves the array untouched and clears WEL.
 *  - Power cut: the interrupted page program stores the first half (rounded down) of the
 *    bytes it was sent, in the order they were sent; an interrupted erase erases the first
 *    half of its range. Operations are the unit; nothing is undone.
 */
#include "femu_internal.h"

#include <stdlib.h>
#include <string.h>

enum { WEL = 0x02 };

int femu_flash_create(femu_flash *flash, const femu_config *config) {
  memset(flash, 0, sizeof *flash);
  flash->array = malloc(config->flash_size);
  if (flash->array == NULL) return -1;
  memset(flash->array, 0xFF, config->flash_size); /* erased */
  flash->size = config->flash_size;
  femu_address_mode mode = config->address_mode;
  if (mode == FEMU_ADDRESS_AUTO)
    mode = config->flash_size > 16u * 1024u * 1024u ? FEMU_ADDRESS_3_OR_4 : FEMU_ADDRESS_3_ONLY;
  flash->three_byte_only = mode == FEMU_ADDRESS_3_ONLY;
  flash->four_byte_only = mode == FEMU_ADDRESS_4_ONLY;
  flash->four_byte_mode = flash->four_byte_only;
  if (config->sfdp_enabled) femu_sfdp_build(flash->sfdp, config, mode);
  else memset(flash->sfdp, 0xFF, sizeof flash->sfdp);
  return 0;
}

void femu_flash_destroy(femu_flash *flash) {
  free(flash->array);
  flash->array = NULL;
}

/* Volatile state after power-up: WEL = 0, not busy, default address mode, no transaction.
 * The array and the nonvolatile status bits (BP, TB, SEC, SRP, SR2) survive. */
void femu_flash_power_on(femu_flash *flash) {
  flash->status1 &= (uint8_t)~WEL;
  flash->four_byte_mode = flash->four_byte_only;
  flash->busy_until_ns = 0;
  flash->stuck = false;
  flash->selected = false;
  flash->reset_enabled = false;
}

bool femu_flash_busy(const femu_flash *flash) {
  return flash->stuck || femu_g.now_ns < flash->busy_until_ns;
}

/* WEL stays visible while the operation that will clear it is still running. */
uint8_t femu_flash_live_status1(const femu_flash *flash) {
  return femu_flash_busy(flash) ? (uint8_t)(flash->status1 | 0x03) : flash->status1;
}

void femu_flash_protected_range(const femu_flash *flash, uint32_t *start, uint32_t *end) {
  unsigned bp = (flash->status1 >> 2) & 0x07;
  bool bottom = flash->status1 & 0x20;
  uint32_t length = bp == 0 ? 0 : bp == 7 ? flash->size : flash->size >> (7 - bp);
  *start = bottom ? 0 : flash->size - length;
  *end = bottom ? length : flash->size;
  if (length == 0) *start = *end = 0;
}

static bool overlaps_protection(const femu_flash *flash, uint32_t start, uint32_t length) {
  uint32_t protected_start, protected_end;
  femu_flash_protected_range(flash, &protected_start, &protected_end);
  return protected_start < protected_end && start < protected_end && protected_start < start + length;
}

/* Common gate of every array-changing operation. Returns false if it is refused. */
static bool may_change(femu_flash *flash, bool protected_target) {
  if (!(flash->status1 & WEL) || protected_target) {
    flash->status1 &= (uint8_t)~WEL;
    femu_g.counters.refused_operations++;
    return false;
  }
  return true;
}

/* The operation has been accepted: start its busy time, clear WEL (shown live as 1 until
 * the busy time ends) and catch it if the stuck-busy fault is armed. */
static void start_busy(femu_flash *flash, uint8_t opcode) {
  flash->status1 &= (uint8_t)~WEL;
  flash->busy_until_ns = femu_g.now_ns + femu_timing_ns(opcode);
  if (femu_g.stuck_busy) flash->stuck = true;
}

/* Consumes one operation from the power-cut budget; true when this one is interrupted. */
static bool power_fails_now(void) {
  if (femu_g.operations_before_cut == FEMU_NEVER) return false;
  if (femu_g.operations_before_cut == 0) return true;
  femu_g.operations_before_cut--;
  return false;
}

bool femu_flash_program_page(femu_flash *flash, uint32_t address, const uint8_t *data,
                             const bool *loaded) {
  uint32_t page = address & ~(uint32_t)(FEMU_PAGE_SIZE - 1) & (flash->size - 1);
  if (!may_change(flash, overlaps_protection(flash, page, FEMU_PAGE_SIZE))) return false;
  unsigned sent = 0;
  for (unsigned i = 0; i < FEMU_PAGE_SIZE; i++) sent += loaded[i];
  bool interrupted = power_fails_now();
  unsigned to_store = interrupted ? sent / 2 : sent;
  /* bytes in the order they were clocked in: from the start offset, wrapping in the page */
  unsigned offset = address & (FEMU_PAGE_SIZE - 1);
  for (unsigned n = 0, stored = 0; n < FEMU_PAGE_SIZE && stored < to_store; n++) {
    unsigned i = (offset + n) & (FEMU_PAGE_SIZE - 1);
    if (!loaded[i]) continue;
    flash->array[page + i] &= data[i];
    stored++;
  }
  femu_g.counters.program_operations++;
  if (interrupted) { femu_cut_power_locked(); return true; }
  start_busy(flash, 0x02);
  return true;
}

bool femu_flash_erase(femu_flash *flash, uint32_t address, uint32_t length, uint8_t opcode) {
  uint32_t start = address & ~(length - 1) & (flash->size - 1);
  bool chip = length >= flash->size;
  uint32_t protected_start, protected_end;
  femu_flash_protected_range(flash, &protected_start, &protected_end);
  bool any_protected = protected_start < protected_end;
  if (!may_change(flash, chip ? any_protected : overlaps_protection(flash, start, length))) return false;
  bool interrupted = power_fails_now();
  memset(flash->array + start, 0xFF, interrupted ? length / 2 : length);
  femu_g.counters.erase_operations++;
  if (interrupted) { femu_cut_power_locked(); return true; }
  start_busy(flash, opcode);
  return true;
}
