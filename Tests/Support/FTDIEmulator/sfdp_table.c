/*
 * The SFDP space read by opcode 5Ah, generated from the configured geometry, laid out as
 * JEDEC JESD216 (revision 1.0, April 2011) defines it:
 *   0x00 SFDP header: signature "SFDP" (0x50444653 little-endian), minor 0, major 1,
 *        NPH = 0 (one parameter header), byte 7 = FFh.
 *   0x08 parameter header 0: ID 00h (JEDEC Basic Flash Parameter Table), revision 1.0,
 *        length 9 DWORDs, table pointer 0x000080, ID MSB FFh.
 *   0x80 Basic Flash Parameter Table, 9 DWORDs, little-endian:
 *     1: [1:0] = 01 uniform 4 KiB erase available, [2] = 1 write granularity >= 64 bytes,
 *        [3] = 0 nonvolatile status register, [7:5] = 111, [15:8] = 20h 4 KiB erase opcode,
 *        [16] = 0 no 1-1-2, [18:17] address bytes (00 3-only, 01 3-or-4, 10 4-only),
 *        [19] = 0 no DTR, [22:20] = 0 no 1-2-2/1-4-4/1-1-4, [31:23] = all ones.
 *     2: density: bit 31 = 0, bits 30:0 = size in bits - 1.
 *     3-4: fast read 1-4-4/1-1-4 and 1-1-2/1-2-2 parameters: 0, none supported.
 *     5: [0] = 0 no 2-2-2, [4] = 0 no 4-4-4, other bits reserved (ones): FFFFFFEEh.
 *     6-7: 2-2-2 / 4-4-4 parameters: 0 with the reserved low half FFFFh.
 *     8: erase type 1 = 2^12 bytes with 20h, type 2 = 2^15 bytes with 52h.
 *     9: erase type 3 = 2^16 bytes with D8h, type 4 unused (00h size, 00h opcode).
 * Everything else in the 256-byte space reads FFh.
 */
#include "femu_internal.h"

#include <string.h>

static void put_dword(uint8_t *at, uint32_t value) {
  at[0] = (uint8_t)value;
  at[1] = (uint8_t)(value >> 8);
  at[2] = (uint8_t)(value >> 16);
  at[3] = (uint8_t)(value >> 24);
}

void femu_sfdp_build(uint8_t table[FEMU_SFDP_SIZE], const femu_config *config,
                     femu_address_mode mode) {
  memset(table, 0xFF, FEMU_SFDP_SIZE);
  const uint8_t header[8] = {'S', 'F', 'D', 'P', 0x00, 0x01, 0x00, 0xFF};
  memcpy(table, header, sizeof header);
  const uint8_t parameter_header[8] = {0x00, 0x00, 0x01, 9, 0x80, 0x00, 0x00, 0xFF};
  memcpy(table + 8, parameter_header, sizeof parameter_header);

  uint32_t address_bytes = mode == FEMU_ADDRESS_4_ONLY ? 2u : mode == FEMU_ADDRESS_3_OR_4 ? 1u : 0u;
  uint32_t dword1 = 0x01u | 0x04u | 0xE0u | (0x20u << 8) | (address_bytes << 17) | 0xFF800000u;
  uint64_t bits = (uint64_t)config->flash_size * 8u;
  uint32_t dword2 = (uint32_t)(bits - 1);
  uint8_t *bfpt = table + 0x80;
  put_dword(bfpt + 0, dword1);
  put_dword(bfpt + 4, dword2);
  put_dword(bfpt + 8, 0x00000000u);
  put_dword(bfpt + 12, 0x00000000u);
  put_dword(bfpt + 16, 0xFFFFFFEEu);
  put_dword(bfpt + 20, 0x0000FFFFu);
  put_dword(bfpt + 24, 0x0000FFFFu);
  put_dword(bfpt + 28, 0x520F200Cu);
  put_dword(bfpt + 32, 0x0000D810u);
}
