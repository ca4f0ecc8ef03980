/*
 * The MPSSE command processor of port A (FTDI AN_108 "Command Processor for MPSSE and MCU
 * Host Bus Emulation Modes"). Bytes from bulk OUT queue up; each complete command runs
 * immediately, replies go to the port's TX buffer for the next bulk IN.
 *
 * Opcodes with bit 7 clear are data-shifting commands, decoded by their bits
 * (AN_108 "Data Shifting Command bit definitions"):
 *   bit0 write on -ve edge, bit1 bit mode, bit2 read on -ve edge, bit3 LSB first,
 *   bit4 write TDI (MOSI), bit5 read TDO (MISO), bit6 write TMS.
 *   Byte mode: LengthL LengthH (n+1 bytes), then the bytes to write if bit4.
 *   Bit mode: Length (n+1 bits, 0..7), then one byte to write if bit4.
 *   TMS (bit6): Length, then one byte (TMS bits; bit 7 is held on TDI). TMS is ADBUS3, but
 *   TMS shifting is only parsed here: it never reaches the flash.
 * Edges are accepted as given: the SPI flash samples every clocked bit (only bit order,
 * MSB/LSB first, changes what it sees). For SPI mode 0 a flasher uses 0x11/0x20/0x31.
 *
 * Opcodes with bit 7 set (AN_108 "Set / Read Data Bits", "Loopback", "Clock Divisor",
 * "Instructions for use in both MPSSE and MCU Host Emulation Modes" and
 * "FT232H, FT2232H & FT4232H ONLY"):
 *   0x80/0x82 set ADBUS/ACBUS value+direction, 0x81/0x83 read them, 0x84/0x85 loopback
 *   on/off, 0x86 clock divisor, 0x87 send immediate, 0x88/0x89 wait on GPIOL1 (no wait
 *   modelled), 0x8A/0x8B divide-by-5 off/on, 0x8C/0x8D 3-phase on/off, 0x8E/0x8F clock
 *   bits/bytes without data, 0x94/0x95 clock until GPIOL1 (returns at once), 0x96/0x97
 *   adaptive on/off, 0x9C/0x9D clock bytes until GPIOL1 (2 length bytes), 0x9E drive-zero.
 * Any other opcode with bit 7 set is a bad command: the chip answers 0xFA followed by the
 * opcode and carries on with the next byte (AN_108 "Bad Commands": "will only trigger when
 * bit 7 of the rogue command is high").
 */
#include "femu_internal.h"

enum {
  WRITE_NEGATIVE = 0x01, BIT_MODE = 0x02, LSB_FIRST = 0x08, WRITE_DATA = 0x10, READ_DATA = 0x20,
};

static bool is_data_command(uint8_t opcode) { return opcode < 0x40; }

static bool is_tms_command(uint8_t opcode) { return opcode >= 0x40 && opcode < 0x80; }

/* Bytes the whole command occupies, or 0 for a bad command. `available` bytes are queued;
 * the length fields are only read if present (else a lower bound is returned). */
static size_t command_length(const uint8_t *bytes, size_t available) {
  uint8_t opcode = bytes[0];
  if (is_data_command(opcode)) {
    if (opcode & BIT_MODE) return (opcode & WRITE_DATA) ? 3 : 2;
    if (available < 3) return 3;
    size_t count = (size_t)(bytes[1] | bytes[2] << 8) + 1;
    return 3 + ((opcode & WRITE_DATA) ? count : 0);
  }
  if (is_tms_command(opcode)) return 3;
  switch (opcode) {
    case 0x80: case 0x82: case 0x86: case 0x8F: case 0x9C: case 0x9D: case 0x9E: return 3;
    case 0x8E: return 2;
    case 0x81: case 0x83: case 0x84: case 0x85: case 0x87: case 0x88: case 0x89: case 0x8A:
    case 0x8B: case 0x8C: case 0x8D: case 0x94: case 0x95: case 0x96: case 0x97: return 1;
    default: return 0;
  }
}

static uint8_t reverse_bits(uint8_t byte) {
  byte = (uint8_t)((byte & 0xF0) >> 4 | (byte & 0x0F) << 4);
  byte = (uint8_t)((byte & 0xCC) >> 2 | (byte & 0x33) << 2);
  return (uint8_t)((byte & 0xAA) >> 1 | (byte & 0x55) << 1);
}

/* Shifts `bits` (1..8) bits of `out` MSB first through the wires; returns what was read,
 * right-aligned (AN_108: bit-mode reads arrive in the top bits of a byte shifted in from
 * the bottom, which for MSB-first means the last `bits` bits occupy the low end). */
static uint8_t shift_bits(femu_ftdi_snapshot *mpsse, uint8_t out, unsigned bits, bool drive) {
  uint8_t in = 0;
  for (unsigned i = 0; i < bits; i++) {
    unsigned mosi = drive ? (out >> (7 - i)) & 1u : (mpsse->low_value >> 1) & 1u;
    unsigned miso = femu_spi_clock_bit(mpsse, mosi);
    if (mpsse->loopback) miso = mosi; /* 0x84: TDI wired to TDO inside the chip */
    in = (uint8_t)(in << 1 | miso);
  }
  femu_clock_spi_bits(bits);
  return in;
}

static void run_data_command(femu_interface *iface, const uint8_t *command) {
  femu_ftdi_snapshot *mpsse = &iface->snapshot;
  uint8_t opcode = command[0];
  bool write = opcode & WRITE_DATA, read = opcode & READ_DATA, lsb = opcode & LSB_FIRST;
  if (opcode & BIT_MODE) {
    unsigned bits = (command[1] & 7u) + 1u;
    uint8_t out = write ? command[2] : 0;
    /* LSB first sends bit 0 first: present it to the MSB-first shifter reversed */
    uint8_t in = shift_bits(mpsse, lsb ? reverse_bits(out) : out, bits, write);
    if (lsb) in = (uint8_t)(reverse_bits(in) >> (8 - bits)) ;
    /* bit-mode reads: bits enter at the LSB and shift up (MSB first) or enter at the MSB and
       shift down (LSB first), AN_108 bit-mode data notes */
    if (read) femu_bytes_push(&iface->to_host, lsb ? (uint8_t)(in << (8 - bits)) : in);
    return;
  }
  size_t count = (size_t)(command[1] | command[2] << 8) + 1;
  uint8_t idle = (mpsse->low_value & 0x02) ? 0xFF : 0x00; /* MOSI level when not writing */
  uint64_t byte_ps = 8 * femu_spi_bit_ps();
  for (size_t i = 0; i < count && femu_g.powered; i++) {
    uint8_t out = write ? command[3 + i] : idle;
    if (lsb) out = reverse_bits(out);
    uint8_t in = femu_spi_clock_byte(mpsse, out);
    if (mpsse->loopback) in = out; /* 0x84: TDI wired to TDO inside the chip */
    /* time moves per byte so a streamed status read sees WIP change */
    femu_clock_advance_ps(byte_ps);
    if (read) femu_bytes_push(&iface->to_host, lsb ? reverse_bits(in) : in);
  }
}

static void set_low_byte(femu_ftdi_snapshot *mpsse, uint8_t value, uint8_t direction) {
  uint8_t old_value = mpsse->low_value, old_direction = mpsse->low_direction;
  mpsse->low_value = value;
  mpsse->low_direction = direction;
  femu_spi_pins_changed(mpsse, old_value, old_direction);
}

static uint8_t read_high_pins(const femu_ftdi_snapshot *mpsse) {
  return (uint8_t)((mpsse->high_value & mpsse->high_direction) | ~mpsse->high_direction);
}

static void run_command(femu_interface *iface, const uint8_t *command) {
  femu_ftdi_snapshot *mpsse = &iface->snapshot;
  uint8_t opcode = command[0];
  if (is_data_command(opcode)) { run_data_command(iface, command); return; }
  if (is_tms_command(opcode)) {
    femu_clock_spi_bits((command[1] & 7u) + 1u);
    if (opcode & READ_DATA) femu_bytes_push(&iface->to_host, 0xFF);
    return;
  }
  switch (opcode) {
    case 0x80: set_low_byte(mpsse, command[1], command[2]); break;
    case 0x82: mpsse->high_value = command[1]; mpsse->high_direction = command[2]; break;
    case 0x81: femu_bytes_push(&iface->to_host, femu_spi_read_low_pins(mpsse)); break;
    case 0x83: femu_bytes_push(&iface->to_host, read_high_pins(mpsse)); break;
    case 0x84: mpsse->loopback = true; break;
    case 0x85: mpsse->loopback = false; break;
    case 0x86: mpsse->clock_divisor = (uint16_t)(command[1] | command[2] << 8); break;
    case 0x87: break; /* replies are always flushed at once here */
    case 0x8A: mpsse->divide_by_5 = false; break;
    case 0x8B: mpsse->divide_by_5 = true; break;
    case 0x8C: mpsse->three_phase = true; break;
    case 0x8D: mpsse->three_phase = false; break;
    case 0x8E: /* clock 1..8 bits, no data: MOSI keeps its level */
      shift_bits(mpsse, 0, (command[1] & 7u) + 1u, false);
      break;
    case 0x8F: { /* clock (n+1) x 8 bits, no data */
      size_t count = (size_t)(command[1] | command[2] << 8) + 1;
      for (size_t i = 0; i < count && femu_g.powered; i++) shift_bits(mpsse, 0, 8, false);
      break;
    }
    case 0x96: mpsse->adaptive = true; break;
    case 0x97: mpsse->adaptive = false; break;
    default: break; /* 0x88/0x89/0x94/0x95/0x9C/0x9D/0x9E: GPIOL1 waits and drive-zero */
  }
}

void femu_mpsse_run(unsigned interface_index) {
  femu_interface *iface = &femu_g.interfaces[interface_index];
  femu_bytes *queue = &iface->pending_command;
  while (femu_g.powered && femu_bytes_available(queue) > 0) {
    const uint8_t *bytes = femu_bytes_peek(queue);
    size_t available = femu_bytes_available(queue);
    size_t length = command_length(bytes, available);
    if (length == 0) {
      iface->snapshot.bad_commands++;
      femu_bytes_push(&iface->to_host, 0xFA);
      femu_bytes_push(&iface->to_host, bytes[0]);
      femu_bytes_consume(queue, 1);
      continue;
    }
    if (available < length) break; /* the rest arrives with the next bulk OUT */
    run_command(iface, bytes);
    femu_bytes_consume(queue, length);
  }
  if (!femu_g.powered) femu_bytes_clear(queue);
}
