/*
 * Private state shared by the emulator's files. Not part of the public API.
 *
 * Locking: one global mutex (femu_lock/femu_unlock). Every public femu_* function and every
 * libusb_* entry point takes it; the functions declared here expect it to be held.
 * Async transfer callbacks run with the lock released (they resubmit).
 */
#ifndef FEMU_INTERNAL_H
#define FEMU_INTERNAL_H

#include "ftdi_emulator.h"

#include <pthread.h>

/* FT2232H high-speed bulk endpoints are 512 bytes (FT2232H datasheet, USB descriptors). */
#define FEMU_PACKET_SIZE 512
#define FEMU_INTERFACE_COUNT 2
#define FEMU_PAGE_SIZE 256
#define FEMU_SFDP_SIZE 256

/* ---- growable byte FIFO (the chip's TX buffer towards the host, pending MPSSE bytes) ---- */
typedef struct femu_bytes {
  uint8_t *data;
  size_t start;   /* first unread byte */
  size_t length;  /* end of valid bytes */
  size_t capacity;
} femu_bytes;

void femu_bytes_append(femu_bytes *bytes, const uint8_t *data, size_t count);
void femu_bytes_push(femu_bytes *bytes, uint8_t byte);
size_t femu_bytes_available(const femu_bytes *bytes);
const uint8_t *femu_bytes_peek(const femu_bytes *bytes);
void femu_bytes_consume(femu_bytes *bytes, size_t count);
void femu_bytes_clear(femu_bytes *bytes);
void femu_bytes_free(femu_bytes *bytes);

/* ---- SPI NOR flash ---- */
typedef struct femu_flash {
  uint8_t *array;
  uint32_t size;
  uint8_t status1;        /* nonvolatile bits 2..7 plus WEL (bit 1); WIP is derived */
  uint8_t status2;
  bool four_byte_mode;
  bool four_byte_only;
  bool three_byte_only;
  uint64_t busy_until_ns;
  bool stuck;             /* stuck-busy fault caught an operation */
  uint8_t sfdp[FEMU_SFDP_SIZE];

  /* The transaction in progress (CS asserted). */
  bool selected;
  unsigned bit_in_byte;   /* bits of the current byte already shifted */
  uint8_t shift_in;
  uint8_t shift_out;      /* byte being driven on MISO */
  uint32_t bytes_in;      /* complete bytes received in this transaction */
  uint8_t opcode;
  bool ignored;           /* opcode arrived while busy (or unknown): rest is ignored */
  unsigned address_length;/* 3 or 4 for opcodes with an address, else 0 */
  unsigned dummy_length;
  uint32_t address;
  uint32_t data_bytes;    /* bytes after opcode + address + dummy */
  uint8_t page_buffer[FEMU_PAGE_SIZE];
  bool page_loaded[FEMU_PAGE_SIZE];
  uint8_t new_status[2];
  bool reset_enabled;     /* previous transaction was 0x66 */
  bool last_opcode_was_reset_enable;
} femu_flash;

/* ---- per-interface USB/FTDI state ---- */
typedef struct femu_interface {
  femu_ftdi_snapshot snapshot;   /* recorded vendor requests + MPSSE registers */
  void *claimed_by;              /* the libusb_device_handle that claimed it */
  femu_bytes to_host;            /* the chip's TX FIFO: bytes waiting for bulk IN */
  femu_bytes pending_command;    /* MPSSE bytes of a command not yet complete */
  bool reply_outstanding;        /* a bulk OUT happened since the last bulk IN */
} femu_interface;

typedef struct femu_state {
  bool initialized;
  femu_config config;

  bool powered;
  uint64_t generation;     /* bumped by power cut / restore / reset: stale handles die */

  /* faults */
  uint64_t operations_before_cut;
  bool corrupt_armed;
  uint32_t corrupt_address;
  uint8_t corrupt_mask;
  bool refuse_write_enable;
  bool device_absent;
  bool open_access_denied;
  bool stuck_busy;

  /* clock and counters */
  uint64_t now_ns;
  uint64_t spi_leftover_ps;  /* sub-nanosecond remainder of SPI bit times */
  uint64_t counters_since_ns;
  femu_counter_values counters;
  uint64_t spi_bits;          /* bits clocked with CS asserted; counters.spi_bytes = / 8 */
  uint64_t opcode_counts[256];

  femu_interface interfaces[FEMU_INTERFACE_COUNT];
  femu_flash flash;
} femu_state;

extern femu_state femu_g;

void femu_lock(void);
void femu_unlock(void);
/* Makes sure a default emulator exists (libusb calls before any femu_reset). */
void femu_ensure_initialized(void);

/* ---- virtual clock (virtual_clock.c) ---- */
void femu_clock_advance(uint64_t ns);
void femu_clock_usb_transfer(void);       /* half a round trip */
void femu_clock_control_transfer(void);   /* a whole round trip */
void femu_clock_spi_bits(uint64_t bits);  /* at the current MPSSE clock */
uint64_t femu_spi_bit_ps(void);
void femu_clock_advance_ps(uint64_t ps);
uint32_t femu_mpsse_clock_hz(const femu_ftdi_snapshot *mpsse);

/* ---- power (emulator_state.c) ---- */
void femu_cut_power_locked(void);

/* ---- USB descriptors (usb_descriptors.c) ---- */
const char *femu_usb_string(unsigned device_index, uint8_t string_index, char scratch[96]);

/* ---- FTDI chip (ftdi_control_requests.c, ftdi_bulk_pipe.c) ---- */
int femu_ftdi_control(uint8_t request_type, uint8_t request, uint16_t value, uint16_t index,
                      unsigned char *data, uint16_t length);
int femu_ftdi_bulk_out(unsigned interface_index, const uint8_t *data, int length, int *transferred);
int femu_ftdi_bulk_in(unsigned interface_index, uint8_t *data, int length, int *transferred);
/* Endpoint address -> interface index (0 = A, 1 = B), or -1. */
int femu_interface_for_endpoint(unsigned char endpoint);
void femu_ftdi_power_on(void);

/* ---- MPSSE engine (mpsse_engine.c) ---- */
/* Runs the complete commands in `iface->pending_command`; stops early when power is cut. */
void femu_mpsse_run(unsigned interface_index);

/* ---- SPI wiring between ADBUS and the flash (spi_wiring.c) ---- */
/* Called whenever ADBUS value/direction change: detects CS edges. */
void femu_spi_pins_changed(const femu_ftdi_snapshot *mpsse, uint8_t old_value, uint8_t old_direction);
/* Clocks one bit through the bus; returns the bit seen on MISO (ADBUS2). */
unsigned femu_spi_clock_bit(const femu_ftdi_snapshot *mpsse, unsigned mosi_bit);
/* Clocks 8 bits MSB first (the whole-byte fast path of femu_spi_clock_bit; same result). */
uint8_t femu_spi_clock_byte(const femu_ftdi_snapshot *mpsse, uint8_t mosi_byte);
/* ADBUS pin levels as read by 0x81 / SIO_READ_PINS. */
uint8_t femu_spi_read_low_pins(const femu_ftdi_snapshot *mpsse);

/* ---- SPI NOR flash (spi_nor_*.c, sfdp_table.c, flash_timing.c) ---- */
int femu_flash_create(femu_flash *flash, const femu_config *config);
void femu_flash_destroy(femu_flash *flash);
void femu_flash_power_on(femu_flash *flash);
void femu_flash_select(femu_flash *flash);
void femu_flash_deselect(femu_flash *flash);
unsigned femu_flash_clock_bit(femu_flash *flash, unsigned mosi_bit);
uint8_t femu_flash_clock_byte(femu_flash *flash, uint8_t mosi_byte);
unsigned femu_flash_miso(const femu_flash *flash);
bool femu_flash_busy(const femu_flash *flash);
uint8_t femu_flash_live_status1(const femu_flash *flash);
void femu_flash_protected_range(const femu_flash *flash, uint32_t *start, uint32_t *end);

/* Array operations (spi_nor_array.c); return false if refused. They count operations and
 * honour the power-cut fault. */
bool femu_flash_program_page(femu_flash *flash, uint32_t address, const uint8_t *data,
                             const bool *loaded);
bool femu_flash_erase(femu_flash *flash, uint32_t address, uint32_t length, uint8_t opcode);

void femu_sfdp_build(uint8_t table[FEMU_SFDP_SIZE], const femu_config *config,
                     femu_address_mode mode);

uint64_t femu_timing_ns(uint8_t opcode);
#endif
