/*
 * The SPI NOR command decoder: one transaction per CS# low period, bits in on MOSI and out
 * on MISO MSB first (SPI mode 0/3), executed where the W25Q128JV datasheet ("Instructions"
 * chapter) executes them:
 *  - reads and ID/status reads stream while CS# is low;
 *  - write enable/disable, status writes, program, erase, 4-byte mode and reset act when
 *    CS# goes high, and only if CS# rises on a byte boundary after the expected number of
 *    bytes ("/CS must be driven high after the eighth bit of the last byte has been latched.
 *    If this is not done the ... instruction will not be executed").
 *  - while BUSY, only the status-register reads are accepted (status register bit
 *    "Erase/Write In Progress (BUSY)": "During this time the device will ignore further
 *    instructions except for the Read Status Register ..." instructions).
 *
 * Opcodes: 05/35/15 read SR1/SR2/SR3, 01 write SR1[+SR2], 31 write SR2, 06/04 WEL,
 * 9F JEDEC ID, 90 manufacturer/device ID, AB release power-down/device ID, 5A SFDP,
 * 03/0B read/fast read, 13/0C their 4-byte forms, 02/12 page program, 20/21 4 KiB erase,
 * 52 32 KiB erase, D8/DC 64 KiB erase, C7/60 chip erase, B7/E9 enter/exit 4-byte mode,
 * 66+99 reset. Anything else is ignored until CS# rises (MISO stays high).
 */
#include "femu_internal.h"

#include <string.h>

enum { WEL = 0x02 };

static bool is_four_byte_opcode(uint8_t opcode) {
  return opcode == 0x13 || opcode == 0x0C || opcode == 0x12 || opcode == 0x21 || opcode == 0xDC;
}

static unsigned address_length_for(const femu_flash *flash, uint8_t opcode) {
  if (opcode == 0x5A || opcode == 0x90 || opcode == 0xAB) return 3; /* fixed 3-byte fields */
  if (is_four_byte_opcode(opcode)) return 4;
  return flash->four_byte_mode ? 4 : 3;
}

static bool is_status_read(uint8_t opcode) {
  return opcode == 0x05 || opcode == 0x35 || opcode == 0x15;
}

static uint8_t status3(const femu_flash *flash) {
  return flash->four_byte_mode ? 0x01 : 0x00; /* ADS, as on W25Q256JV SR3 bit 0 */
}

static uint8_t status_byte(const femu_flash *flash, uint8_t opcode) {
  switch (opcode) {
    case 0x05: return femu_flash_live_status1(flash);
    case 0x35: return flash->status2;
    default: return status3(flash);
  }
}

/* Legacy device ID (0x90, 0xAB): Winbond W25Q parts report the JEDEC capacity code - 1
 * (W25Q128JV: JEDEC EF 40 18, device ID 17h). */
static uint8_t legacy_device_id(void) { return (uint8_t)(femu_g.config.jedec_id[2] - 1); }

static uint8_t read_array_byte(femu_flash *flash) {
  uint32_t address = flash->address & (flash->size - 1);
  uint8_t value = flash->array[address];
  if (femu_g.corrupt_armed && femu_g.corrupt_address == address) {
    value ^= femu_g.corrupt_mask;
    femu_g.corrupt_armed = false;
  }
  flash->address = (address + 1) & (flash->size - 1); /* reads wrap at the end of the array */
  return value;
}

static uint8_t read_sfdp_byte(femu_flash *flash) {
  uint32_t address = flash->address++;
  return address < FEMU_SFDP_SIZE ? flash->sfdp[address] : 0xFF;
}

static bool is_array_read(uint8_t opcode) {
  return opcode == 0x03 || opcode == 0x0B || opcode == 0x13 || opcode == 0x0C;
}

/* The byte to drive after the command header (opcode + address + dummy) is complete. */
static uint8_t next_data_byte(femu_flash *flash) {
  uint8_t opcode = flash->opcode;
  if (is_array_read(opcode)) return read_array_byte(flash);
  if (opcode == 0x5A) return read_sfdp_byte(flash);
  if (opcode == 0x90) { /* A0 = 0: manufacturer first; alternate afterwards */
    uint8_t value = (flash->address & 1) ? legacy_device_id() : femu_g.config.jedec_id[0];
    flash->address ^= 1;
    return value;
  }
  if (opcode == 0xAB) return legacy_device_id();
  return 0xFF;
}

/* First byte of a transaction: decide what the rest of it means. Returns the next MISO byte. */
static uint8_t start_command(femu_flash *flash, uint8_t opcode) {
  femu_g.opcode_counts[opcode]++;
  flash->opcode = opcode;
  flash->address = 0;
  flash->address_length = 0;
  flash->dummy_length = 0;
  if (femu_flash_busy(flash) && !is_status_read(opcode)) {
    flash->ignored = true;
    return 0xFF;
  }
  switch (opcode) {
    case 0x05: case 0x35: case 0x15: return status_byte(flash, opcode);
    case 0x9F: return femu_g.config.jedec_id[0];
    case 0x0B: case 0x0C: case 0x5A:
      flash->dummy_length = 1; /* fast read and SFDP: 8 dummy clocks */
      /* fallthrough */
    case 0x03: case 0x13: case 0x02: case 0x12: case 0x20: case 0x21: case 0x52:
    case 0xD8: case 0xDC: case 0x90: case 0xAB:
      flash->address_length = address_length_for(flash, opcode);
      return 0xFF;
    case 0x06: case 0x04: case 0x01: case 0x31: case 0xC7: case 0x60: case 0xB7: case 0xE9:
    case 0x66: case 0x99:
      return 0xFF;
    default:
      flash->ignored = true; /* unknown instruction */
      return 0xFF;
  }
}

/* Byte number `index` (>= 1) of the transaction arrived. Returns the next MISO byte. */
static uint8_t continue_command(femu_flash *flash, uint8_t byte, uint32_t index) {
  uint8_t opcode = flash->opcode;
  if (is_status_read(opcode)) return status_byte(flash, opcode); /* WIP updates live */
  if (opcode == 0x9F) return index < 3 ? femu_g.config.jedec_id[index] : 0xFF;
  if (opcode == 0x01 || opcode == 0x31) {
    if (index <= 2) flash->new_status[index - 1] = byte;
    return 0xFF;
  }
  uint32_t header = flash->address_length + flash->dummy_length;
  if (index <= flash->address_length) flash->address = flash->address << 8 | byte;
  if (index < header) return 0xFF;
  if (index == header) return next_data_byte(flash);
  if (opcode == 0x02 || opcode == 0x12) {
    /* "Page Program (02h)": more than 256 bytes wrap to the start of the page, overwriting */
    unsigned offset = (flash->address + flash->data_bytes) & (FEMU_PAGE_SIZE - 1);
    flash->page_buffer[offset] = byte;
    flash->page_loaded[offset] = true;
    flash->data_bytes++;
    return 0xFF;
  }
  return next_data_byte(flash);
}

static uint8_t byte_received(femu_flash *flash, uint8_t byte) {
  uint32_t index = flash->bytes_in++;
  if (index == 0) return start_command(flash, byte);
  if (flash->ignored) return 0xFF;
  return continue_command(flash, byte, index);
}

void femu_flash_select(femu_flash *flash) {
  flash->selected = true;
  flash->bit_in_byte = 0;
  flash->shift_in = 0;
  flash->shift_out = 0xFF; /* MISO is high-impedance (pulled up) during the opcode */
  flash->bytes_in = 0;
  flash->ignored = false;
  flash->data_bytes = 0;
  memset(flash->page_loaded, 0, sizeof flash->page_loaded);
}

unsigned femu_flash_miso(const femu_flash *flash) {
  return flash->selected ? (flash->shift_out >> 7) & 1u : 1u;
}

unsigned femu_flash_clock_bit(femu_flash *flash, unsigned mosi_bit) {
  unsigned miso = femu_flash_miso(flash);
  flash->shift_out = (uint8_t)(flash->shift_out << 1 | 1);
  flash->shift_in = (uint8_t)(flash->shift_in << 1 | (mosi_bit & 1));
  if (++flash->bit_in_byte == 8) {
    flash->bit_in_byte = 0;
    flash->shift_out = byte_received(flash, flash->shift_in);
  }
  return miso;
}

/* Eight clocks at once. On a byte boundary the MISO bits are exactly shift_out, and the
 * new byte completes, which is what eight femu_flash_clock_bit calls would do. */
uint8_t femu_flash_clock_byte(femu_flash *flash, uint8_t mosi_byte) {
  if (!flash->selected || flash->bit_in_byte != 0) {
    uint8_t miso = 0;
    for (unsigned i = 0; i < 8; i++)
      miso = (uint8_t)(miso << 1 | femu_flash_clock_bit(flash, (mosi_byte >> (7 - i)) & 1u));
    return miso;
  }
  uint8_t miso = flash->shift_out;
  flash->shift_in = mosi_byte;
  flash->shift_out = byte_received(flash, mosi_byte);
  return miso;
}

static void write_status(femu_flash *flash, unsigned bytes_in) {
  if (!(flash->status1 & WEL)) { femu_g.counters.refused_operations++; return; }
  if (flash->opcode == 0x01) {
    flash->status1 = (uint8_t)((flash->new_status[0] & 0xFC) | (flash->status1 & 0x03));
    if (bytes_in == 3) flash->status2 = flash->new_status[1];
  } else {
    flash->status2 = flash->new_status[0];
  }
  flash->status1 &= (uint8_t)~WEL;
  flash->busy_until_ns = femu_g.now_ns + femu_timing_ns(flash->opcode);
  if (femu_g.stuck_busy) flash->stuck = true;
}

static bool is_write_type(uint8_t opcode) {
  switch (opcode) {
    case 0x01: case 0x31: case 0x02: case 0x12: case 0x20: case 0x21: case 0x52: case 0xD8:
    case 0xDC: case 0xC7: case 0x60: return true;
    default: return false;
  }
}

/* CS# rose: execute what acts on deselect. */
static void execute(femu_flash *flash) {
  uint8_t opcode = flash->opcode;
  uint32_t bytes_in = flash->bytes_in;
  uint32_t header = 1 + flash->address_length + flash->dummy_length;
  switch (opcode) {
    case 0x06:
      if (bytes_in == 1 && !femu_g.refuse_write_enable) flash->status1 |= WEL;
      break;
    case 0x04:
      if (bytes_in == 1) flash->status1 &= (uint8_t)~WEL;
      break;
    case 0x01:
      if (bytes_in == 2 || bytes_in == 3) write_status(flash, bytes_in);
      break;
    case 0x31:
      if (bytes_in == 2) write_status(flash, bytes_in);
      break;
    case 0x02: case 0x12:
      if (bytes_in > header) femu_flash_program_page(flash, flash->address, flash->page_buffer, flash->page_loaded);
      break;
    case 0x20: case 0x21:
      if (bytes_in == header) femu_flash_erase(flash, flash->address, 4096, opcode);
      break;
    case 0x52:
      if (bytes_in == header) femu_flash_erase(flash, flash->address, 32768, opcode);
      break;
    case 0xD8: case 0xDC:
      if (bytes_in == header) femu_flash_erase(flash, flash->address, 65536, opcode);
      break;
    case 0xC7: case 0x60:
      if (bytes_in == 1) femu_flash_erase(flash, 0, flash->size, opcode);
      break;
    case 0xB7:
      if (bytes_in == 1 && !flash->three_byte_only) flash->four_byte_mode = true;
      break;
    case 0xE9:
      if (bytes_in == 1 && !flash->four_byte_only) flash->four_byte_mode = false;
      break;
    case 0x99:
      /* "Enable Reset (66h) and Reset Device (99h)": Reset works only right after Enable Reset; back to power-on volatile state */
      if (bytes_in == 1 && flash->reset_enabled) {
        flash->status1 &= (uint8_t)~WEL;
        flash->four_byte_mode = flash->four_byte_only;
      }
      break;
    default:
      break;
  }
}

void femu_flash_deselect(femu_flash *flash) {
  if (!flash->selected) return;
  flash->selected = false;
  bool whole_bytes = flash->bit_in_byte == 0 && flash->bytes_in > 0;
  bool was_reset_enable = false;
  if (flash->ignored) {
    if (flash->bytes_in > 0 && is_write_type(flash->opcode)) femu_g.counters.refused_operations++;
  } else if (whole_bytes) {
    execute(flash);
    was_reset_enable = flash->opcode == 0x66 && flash->bytes_in == 1;
  }
  /* any instruction other than 99h after 66h cancels the reset enable (same section) */
  flash->reset_enabled = was_reset_enable;
}
