/*
 * ftdi_emulator.h — an emulated FT2232H cable with a SPI NOR flash behind it.
 *
 * The emulator sits BELOW libusb: its sources define the libusb-1.0 functions that
 * libftdi1 imports, with the exact libusb prototypes. Linked into an executable (a test
 * binary), those definitions win over the real libusb-1.0.so for every call libftdi1
 * makes, so the real libftdi1 talks to this model instead of a USB bus. No LD_PRELOAD.
 *
 * Layers, each in its own file:
 *   USB device (descriptors, vendor requests, 512-byte packets with 2 modem-status bytes)
 *   -> MPSSE engine (FTDI AN_108 command set, pins, clock divisor)
 *   -> SPI bus (CS on ADBUS3 or ADBUS4, SCK ADBUS0, MOSI ADBUS1, MISO ADBUS2)
 *   -> SPI NOR flash (W25Q-like command set, SFDP per JESD216, BP protection, busy times).
 *
 * One global emulator, guarded by a mutex; tests are expected to run serially.
 * All functions are safe to call at any time; pointers returned by femu_flash_data()
 * stay valid until the next femu_reset(). A libusb call made before any femu_reset()
 * creates the default emulator.
 *
 * libusb functions provided (the 28 libftdi1 1.5 imports plus a few neighbours):
 *   init, exit, error_name, strerror, get_device_list, free_device_list, ref_device,
 *   unref_device, get_device_descriptor, get_config_descriptor, free_config_descriptor,
 *   get_bus_number, get_device_address, get_port_numbers, get_device_speed,
 *   get_max_packet_size, open, close, get_device, get_configuration, set_configuration,
 *   claim_interface, release_interface, detach_kernel_driver,
 *   set_auto_detach_kernel_driver, get_string_descriptor_ascii, control_transfer,
 *   bulk_transfer, alloc_transfer, free_transfer, submit_transfer, cancel_transfer,
 *   handle_events, handle_events_completed, handle_events_timeout,
 *   handle_events_timeout_completed.
 * Any other libusb function still goes to the real libusb and must not be given the
 * emulator's objects.
 *
 * Host-side calls (init/exit, device lists, descriptors, transfer alloc/free) keep working
 * while the emulated cable is unpowered; everything that talks to the device fails with
 * LIBUSB_ERROR_NO_DEVICE.
 */
#ifndef FTDI_EMULATOR_H
#define FTDI_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FEMU_STRING_CAPACITY 64

/* How the flash takes addresses (JESD216 BFPT DWORD 1 bits 18:17). */
typedef enum femu_address_mode {
  FEMU_ADDRESS_AUTO = 0,      /* 3-byte up to 16 MiB, 3-or-4 above */
  FEMU_ADDRESS_3_ONLY = 1,    /* 3-byte only (flash must be <= 16 MiB) */
  FEMU_ADDRESS_3_OR_4 = 2,    /* starts in 3-byte mode; 0xB7/0xE9 switch; 4-byte opcodes work */
  FEMU_ADDRESS_4_ONLY = 3,    /* always 4-byte addresses, 0xB7/0xE9 ignored */
} femu_address_mode;

/* Busy times in nanoseconds, used only when femu_config.timing_enabled.
 * A zero field means "the W25Q128JV datasheet typical value" (see flash_timing.c). */
typedef struct femu_timings {
  uint64_t page_program_ns;   /* tPP */
  uint64_t sector_erase_ns;   /* tSE, 4 KiB */
  uint64_t block_erase_32k_ns;/* tBE1 */
  uint64_t block_erase_64k_ns;/* tBE2 */
  uint64_t chip_erase_ns;     /* tCE */
  uint64_t write_status_ns;   /* tW */
} femu_timings;

typedef struct femu_config {
  /* USB identity. Device i (0-based) of device_count reports `serial` for i == 0 and
   * `serial` + "-<i>" for i >= 1; all enumerate the same cable and the same flash. */
  uint16_t usb_vendor;        /* default 0x0403 */
  uint16_t usb_product;       /* default 0x6010 */
  uint16_t bcd_device;        /* default 0x0700: libftdi1 detects TYPE_2232H */
  char manufacturer[FEMU_STRING_CAPACITY]; /* default "FTDI" */
  char description[FEMU_STRING_CAPACITY];  /* default "Dual RS232-HS" */
  char serial[FEMU_STRING_CAPACITY];       /* default "FT2232H0"; "" = no serial string */
  unsigned device_count;      /* default 1; 0 = nothing attached */
  uint8_t bus_number;         /* default 1 */
  uint8_t device_address;     /* default 4; device i gets device_address + i */

  /* Flash. */
  uint8_t jedec_id[3];        /* default EF 40 18 (Winbond W25Q128JV) */
  uint32_t flash_size;        /* bytes, power of two, 64 KiB .. 256 MiB; default 16 MiB */
  femu_address_mode address_mode; /* default FEMU_ADDRESS_AUTO */
  bool sfdp_enabled;          /* default true; false: 0x5A reads 0xFF */
  bool timing_enabled;        /* default false: program/erase finish instantly */
  femu_timings timings;       /* zeros = datasheet typicals */

  /* Cable wiring and cost model. */
  unsigned chip_select_pin;   /* ADBUS pin of CS#, 3 (flashrom) or 4 (iceprog); default 3 */
  uint64_t round_trip_ns;     /* cost of one bulk OUT + bulk IN exchange; default 125000
                                 (one USB 2.0 high-speed microframe is 125 us); half is
                                 charged per bulk OUT transfer, half per bulk IN transfer,
                                 a whole one per control transfer */
} femu_config;

/* Fills *config with the defaults above. */
void femu_config_init(femu_config *config);
/* Copy C strings into the fixed fields (truncated to FEMU_STRING_CAPACITY-1); NULL keeps. */
void femu_config_set_strings(femu_config *config, const char *manufacturer,
                             const char *description, const char *serial);

/* Fresh emulator: erased flash (all 0xFF), status registers 0, powered, no faults, counters
 * cleared, no open handles. NULL means defaults. Returns 0, or -1 if the config is invalid
 * (size not a power of two or out of range, chip-select pin not 3 or 4, 3-byte-only mode
 * above 16 MiB). On -1 the previous emulator is left untouched. */
int femu_reset(const femu_config *config);

/* Direct access to the flash array, bypassing SPI and protection (for tests to seed or
 * inspect contents). Do not touch while another thread is in a transfer. */
uint8_t *femu_flash_data(void);
uint32_t femu_flash_size(void);

/* Status register 1 (W25Q128JV layout): bit0 WIP(BUSY), bit1 WEL, bits 2..4 BP0..BP2,
 * bit5 TB (1 = protect from the bottom), bit6 SEC (stored, ignored), bit7 SRP (stored; /WP is
 * not modelled, so it never locks the register). Reading returns the live WIP/WEL bits.
 * Setting writes bits 2..7 only. Protected range for BP = b:
 *   b = 0: nothing; b = 7: whole array; 1..6: flash_size >> (7 - b) bytes at the top
 *   (bottom if TB), i.e. W25Q128JV's table with CMP = 0, SEC = 0 (BP=1 -> upper 1/64). */
uint8_t femu_status_register(void);
void femu_set_status_register(uint8_t value);
/* The protected byte range [*start, *end) for the current BP/TB bits (start == end: none). */
void femu_protected_range(uint32_t *start, uint32_t *end);

/* ---- Fault injection. All cleared by femu_reset(); femu_power_restore() keeps them
 * except the power cut itself. ---- */

/* Power is cut while the (n+1)-th program/erase operation from now executes: n operations
 * complete, then the next one is interrupted. Interrupted page program: only the first half
 * of its data bytes (rounded down) reach the array. Interrupted erase: only the first half of
 * its range is erased (chip erase: the first half of the chip). Then every libusb call
 * returns LIBUSB_ERROR_NO_DEVICE (and device lists come back empty) until
 * femu_power_restore() or femu_reset(). Pass FEMU_NEVER to disarm. */
#define FEMU_NEVER UINT64_MAX
void femu_fault_power_cut_after(uint64_t operations);
/* Cut power right now (same effects, nothing interrupted). */
void femu_power_cut(void);
/* Power back on: flash contents and nonvolatile status bits kept; WEL, WIP, 4-byte mode,
 * MPSSE and USB state reset; open handles become stale (calls on them keep returning
 * LIBUSB_ERROR_NO_DEVICE — reopen through libftdi). */
void femu_power_restore(void);
bool femu_powered(void);

/* The next read (0x03/0x0B/0x13/0x0C) that returns the byte at `address` returns it XORed
 * with `xor_mask` (0 means 0xFF), once. */
void femu_fault_corrupt_read(uint32_t address, uint8_t xor_mask);
/* Write enable (0x06) silently ignored while set. */
void femu_fault_refuse_write_enable(bool on);
/* Enumeration finds no devices while set (as if device_count were 0). */
void femu_fault_device_absent(bool on);
/* libusb_open returns LIBUSB_ERROR_ACCESS while set. */
void femu_fault_open_access_denied(bool on);
/* WIP never clears after the next program/erase/write-status while set (clearing it lets
 * the busy time run out normally). */
void femu_fault_stuck_busy(bool on);
void femu_clear_faults(void);

/* ---- Observation. ---- */

typedef struct femu_counter_values {
  uint64_t control_transfers;   /* control requests that reached the device: vendor requests,
                                   string descriptor reads (2 each), SET_CONFIGURATION */
  uint64_t bulk_out_transfers;  /* bulk OUT transfers (sync and async) */
  uint64_t bulk_in_transfers;   /* bulk IN transfers (sync and async), including empty polls */
  uint64_t round_trips;         /* bulk OUT followed by the bulk IN that reads its reply */
  uint64_t spi_bytes;           /* bytes shifted on the SPI bus with CS asserted (bits / 8) */
  uint64_t spi_transactions;    /* CS falling edges */
  uint64_t program_operations;  /* page programs that changed (or tried to change) the array */
  uint64_t erase_operations;    /* sector/block/chip erases executed */
  uint64_t refused_operations;  /* program/erase/write-status refused: no WEL, protected, busy */
  uint64_t virtual_time_ns;     /* virtual time elapsed since the last clear */
} femu_counter_values;

femu_counter_values femu_counters(void);
void femu_clear_counters(void);
/* How many times each SPI opcode has been received since the last clear. */
uint64_t femu_opcode_count(uint8_t opcode);

/* Absolute virtual time since femu_reset(), nanoseconds. */
uint64_t femu_virtual_time_ns(void);
/* Current SPI clock from the MPSSE divisor: 60 MHz / ((1 + div) * 2), or 12 MHz base with
 * divide-by-5 on (AN_108 "Set TCK/SK Divisor", "Disable Clk Divide by 5"). */
uint32_t femu_spi_clock_hz(void);

typedef struct femu_flash_snapshot {
  uint8_t status1;              /* live, incl. WIP/WEL */
  uint8_t status2;
  bool four_byte_mode;
  bool busy;
  uint64_t busy_until_ns;       /* absolute virtual time; UINT64_MAX when stuck */
} femu_flash_snapshot;
femu_flash_snapshot femu_flash_state(void);

/* What the vendor control requests set on one interface (0 = A, 1 = B), and the MPSSE pins. */
typedef struct femu_ftdi_snapshot {
  bool claimed;
  uint8_t bitmode;              /* wValue high byte of SET_BITMODE: 0 reset, 2 MPSSE, ... */
  uint8_t bitmode_mask;         /* wValue low byte */
  uint8_t latency_timer_ms;
  uint16_t baud_value;          /* wValue of SET_BAUDRATE */
  uint16_t baud_index;          /* wIndex of SET_BAUDRATE */
  uint16_t event_char;          /* wValue of SET_EVENT_CHAR */
  uint16_t error_char;          /* wValue of SET_ERROR_CHAR */
  uint16_t flow_control;        /* wIndex high byte of SET_FLOW_CTRL */
  uint64_t resets;              /* SIO_RESET requests (reset / purge rx / purge tx) */
  uint64_t purges_rx;
  uint64_t purges_tx;
  /* MPSSE (interface A only; zeros on B). */
  uint8_t low_value, low_direction;   /* ADBUS: last 0x80 */
  uint8_t high_value, high_direction; /* ACBUS: last 0x82 */
  uint16_t clock_divisor;
  bool divide_by_5;
  bool three_phase;
  bool loopback;
  bool adaptive;
  uint64_t bad_commands;        /* opcodes answered with 0xFA */
} femu_ftdi_snapshot;
femu_ftdi_snapshot femu_ftdi_state(unsigned interface_index);

#ifdef __cplusplus
}
#endif

#endif /* FTDI_EMULATOR_H */
