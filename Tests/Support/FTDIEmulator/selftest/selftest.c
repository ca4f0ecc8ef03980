/*
 * Self-test of the FTDI emulator through the REAL libftdi1 (no LD_PRELOAD): this executable
 * defines the libusb_* functions (the emulator's sources are linked in), libftdi1.so asks
 * the dynamic linker for them, and the executable's definitions win over libusb-1.0.so.
 *
 * Each check compares against an independent expectation (the test's own pattern buffers,
 * datasheet values, femu_flash_data() seeded by the test), never against captured output.
 * Exit status: 0 when every check passed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ftdi_emulator.h"
#include "spi_over_libftdi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(condition, ...) do { \
    if (!(condition)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

/* ---- SPI NOR helpers on top of spi_link: what a flasher does ---- */

static uint8_t read_status(spi_link *link) {
  uint8_t op = 0x05, status = 0xEE;
  spi_transfer(link, &op, 1, &status, 1);
  return status;
}

static int wait_ready(spi_link *link, int max_polls) {
  for (int polls = 1; polls <= max_polls; polls++)
    if (!(read_status(link) & 0x01)) return polls;
  return -1;
}

static void write_enable(spi_link *link) {
  uint8_t op = 0x06;
  spi_transfer(link, &op, 1, NULL, 0);
}

static void put_address(uint8_t *at, uint32_t address, unsigned length) {
  for (unsigned i = 0; i < length; i++) at[i] = (uint8_t)(address >> (8 * (length - 1 - i)));
}

static int erase(spi_link *link, uint8_t opcode, uint32_t address, unsigned address_length) {
  uint8_t command[5] = {opcode};
  put_address(command + 1, address, address_length);
  write_enable(link);
  if (spi_transfer(link, command, 1 + address_length, NULL, 0) != 0) return -1;
  return wait_ready(link, 1000000);
}

static int program(spi_link *link, uint8_t opcode, uint32_t address, unsigned address_length,
                   const uint8_t *data, size_t length) {
  uint8_t command[5 + 256] = {opcode};
  put_address(command + 1, address, address_length);
  memcpy(command + 1 + address_length, data, length);
  write_enable(link);
  if (spi_transfer(link, command, 1 + address_length + length, NULL, 0) != 0) return -1;
  return wait_ready(link, 1000000);
}

static int read_flash(spi_link *link, uint8_t opcode, uint32_t address, unsigned address_length,
                      unsigned dummy, uint8_t *data, size_t length) {
  uint8_t command[6] = {opcode};
  put_address(command + 1, address, address_length);
  command[1 + address_length] = 0;
  return spi_transfer(link, command, 1 + address_length + dummy, data, length);
}

static void fill_pattern(uint8_t *data, size_t length, unsigned seed) {
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < length; i++) { x = x * 1103515245u + 12345u; data[i] = (uint8_t)(x >> 16); }
}

/* ---- the checks ---- */

static void check_interposition(void) {
  /* The emulator's definition is the one the process resolves... */
  void *resolved = dlsym(RTLD_DEFAULT, "libusb_get_device_list");
  CHECK(resolved == (void *)&libusb_get_device_list, "libusb_get_device_list resolves to the executable");
  Dl_info info;
  CHECK(dladdr(resolved, &info) && info.dli_fname && !strstr(info.dli_fname, "libusb"),
        "libusb_get_device_list defined in %s", info.dli_fname ? info.dli_fname : "?");
  /* ...although the real libusb is loaded (libftdi1 depends on it) and has its own. */
  void *real = dlopen("libusb-1.0.so.0", RTLD_NOW | RTLD_NOLOAD);
  CHECK(real != NULL, "the real libusb-1.0.so.0 is loaded too");
  if (real) {
    void *theirs = dlsym(real, "libusb_get_device_list");
    CHECK(theirs != NULL && theirs != resolved, "the real libusb's own symbol is a different function");
    dlclose(real);
  }
  printf("interposition: libusb_get_device_list -> %s\n", info.dli_fname ? info.dli_fname : "?");
}

static void check_enumeration_and_identity(void) {
  femu_config config;
  femu_config_init(&config);
  femu_config_set_strings(&config, "FTDI", "Strata dev cable", "STRATA01");
  config.device_count = 2;
  femu_reset(&config);
  struct ftdi_context *ftdi = ftdi_new();
  struct ftdi_device_list *list = NULL;
  int count = ftdi_usb_find_all(ftdi, &list, 0x0403, 0x6010);
  CHECK(count == 2, "ftdi_usb_find_all found %d devices, expected 2", count);
  if (count >= 2) {
    char manufacturer[64], description[64], serial[64];
    int rc = ftdi_usb_get_strings(ftdi, list->next->dev, manufacturer, 64, description, 64, serial, 64);
    CHECK(rc == 0, "ftdi_usb_get_strings: %d %s", rc, ftdi_get_error_string(ftdi));
    CHECK(rc != 0 || (!strcmp(manufacturer, "FTDI") && !strcmp(description, "Strata dev cable") &&
                      !strcmp(serial, "STRATA01-1")),
          "strings: '%s' '%s' '%s'", manufacturer, description, serial);
  }
  ftdi_list_free(&list);
  int rc = ftdi_usb_open_desc(ftdi, 0x0403, 0x6010, NULL, "STRATA01");
  CHECK(rc == 0, "open by serial: %d %s", rc, ftdi_get_error_string(ftdi));
  CHECK(ftdi->type == TYPE_2232H, "libftdi detects TYPE_2232H, got %d", ftdi->type);
  CHECK(ftdi->max_packet_size == 512, "max packet size %u", ftdi->max_packet_size);
  femu_ftdi_snapshot port_a = femu_ftdi_state(0);
  CHECK(port_a.claimed && port_a.resets >= 1, "port A claimed and reset by open");
  unsigned char latency = 0, pins = 0;
  unsigned short modem = 0;
  CHECK(ftdi_set_latency_timer(ftdi, 2) == 0 && ftdi_get_latency_timer(ftdi, &latency) == 0 && latency == 2,
        "latency timer round trip (%u)", latency);
  CHECK(ftdi_poll_modem_status(ftdi, &modem) == 0 && modem == 0x6032, "modem status %04X", modem);
  CHECK(ftdi_set_event_char(ftdi, 0x7E, 1) == 0 && femu_ftdi_state(0).event_char == 0x017E, "event char recorded");
  CHECK(ftdi_setflowctrl(ftdi, SIO_RTS_CTS_HS) == 0 && femu_ftdi_state(0).flow_control == SIO_RTS_CTS_HS,
        "flow control recorded");
  CHECK(ftdi_set_bitmode(ftdi, 0x0B, BITMODE_MPSSE) == 0 && femu_ftdi_state(0).bitmode == BITMODE_MPSSE &&
        femu_ftdi_state(0).bitmode_mask == 0x0B, "bitmode recorded");
  CHECK(ftdi_read_pins(ftdi, &pins) == 0 && pins == 0xFF, "undriven pins read high (%02X)", pins);
  ftdi_usb_close(ftdi);
  /* open the second cable by its bus/address node: libftdi matches libusb_get_bus_number
     and libusb_get_device_address */
  rc = ftdi_usb_open_string(ftdi, "d:1/5");
  CHECK(rc == 0, "open by d:bus/address: %d %s", rc, ftdi_get_error_string(ftdi));
  struct ftdi_context *other = ftdi_new();
  rc = ftdi_usb_open_string(other, "d:1/5");
  CHECK(rc == -5, "a second claim of the same port is refused (BUSY): %d", rc);
  ftdi_free(other);
  ftdi_usb_close(ftdi);
  rc = ftdi_usb_open_string(ftdi, "s:0x0403:0x6010:STRATA01-1");
  CHECK(rc == 0, "open by s:vid:pid:serial: %d %s", rc, ftdi_get_error_string(ftdi));
  ftdi_usb_close(ftdi);
  ftdi_free(ftdi);
}

static void check_mpsse_basics(spi_link *link) {
  const uint8_t bogus[] = {0xAA, 0x87};
  uint8_t reply[2] = {0};
  mpsse_write(link, bogus, sizeof bogus);
  CHECK(mpsse_read(link, reply, 2) == 0 && reply[0] == 0xFA && reply[1] == 0xAA,
        "bad command 0xAA answered %02X %02X", reply[0], reply[1]);
  CHECK(femu_spi_clock_hz() == 30000000, "SCK %u Hz, expected 30 MHz", femu_spi_clock_hz());
  const uint8_t slower[] = {0x8B, 0x86, 0x05, 0x00}; /* 12 MHz / 12 = 1 MHz */
  mpsse_write(link, slower, sizeof slower);
  CHECK(femu_spi_clock_hz() == 1000000, "SCK %u Hz, expected 1 MHz", femu_spi_clock_hz());
  const uint8_t back[] = {0x8A, 0x86, 0x00, 0x00};
  mpsse_write(link, back, sizeof back);
  const uint8_t read_pins[] = {0x81, 0x87};
  mpsse_write(link, read_pins, sizeof read_pins);
  uint8_t pins = 0;
  CHECK(mpsse_read(link, &pins, 1) == 0 && (pins & 0x0F) == 0x0C, "ADBUS pins %02X (CS high, MISO pulled up)", pins);
}

static void check_identification(spi_link *link) {
  uint8_t op = 0x9F, id[3] = {0};
  spi_transfer(link, &op, 1, id, 3);
  CHECK(id[0] == 0xEF && id[1] == 0x40 && id[2] == 0x18, "JEDEC ID %02X %02X %02X", id[0], id[1], id[2]);
  uint8_t sfdp[0x80 + 36];
  read_flash(link, 0x5A, 0, 3, 1, sfdp, sizeof sfdp);
  CHECK(!memcmp(sfdp, "SFDP", 4) && sfdp[5] == 1 && sfdp[8] == 0x00 && sfdp[11] == 9, "SFDP header");
  uint32_t pointer = sfdp[12] | sfdp[13] << 8 | sfdp[14] << 16;
  CHECK(pointer == 0x80, "BFPT pointer %06X", pointer);
  const uint8_t *bfpt = sfdp + 0x80;
  uint32_t dword1 = bfpt[0] | bfpt[1] << 8 | bfpt[2] << 16 | (uint32_t)bfpt[3] << 24;
  uint32_t dword2 = bfpt[4] | bfpt[5] << 8 | bfpt[6] << 16 | (uint32_t)bfpt[7] << 24;
  CHECK((dword1 & 3) == 1 && ((dword1 >> 8) & 0xFF) == 0x20 && ((dword1 >> 17) & 3) == 0, "BFPT dword1 %08X", dword1);
  CHECK(dword2 == 128u * 1024 * 1024 - 1, "BFPT density %08X", dword2);
  CHECK(bfpt[28] == 12 && bfpt[29] == 0x20 && bfpt[30] == 15 && bfpt[31] == 0x52 && bfpt[32] == 16 && bfpt[33] == 0xD8,
        "BFPT erase types");
}

static void check_erase_program_read(spi_link *link) {
  uint8_t *flash = femu_flash_data();
  memset(flash + 0x10000, 0x00, 0x10000); /* dirty a 64 KiB block behind the flasher's back */
  CHECK(erase(link, 0x20, 0x10000, 3) > 0, "sector erase finished");
  CHECK(flash[0x10000] == 0xFF && flash[0x10FFF] == 0xFF && flash[0x11000] == 0x00, "4 KiB erase range");
  CHECK(erase(link, 0x52, 0x18000, 3) > 0 && flash[0x18000] == 0xFF && flash[0x1FFFF] == 0xFF && flash[0x17FFF] == 0x00,
        "32 KiB erase range");
  CHECK(erase(link, 0xD8, 0x10000, 3) > 0 && flash[0x17FFF] == 0xFF, "64 KiB erase");

  uint8_t page[256], back[256];
  fill_pattern(page, sizeof page, 1);
  CHECK(program(link, 0x02, 0x10100, 3, page, 256) > 0, "program finished");
  CHECK(read_flash(link, 0x03, 0x10100, 3, 0, back, 256) == 0 && !memcmp(page, back, 256), "read back 0x03");
  CHECK(read_flash(link, 0x0B, 0x10100, 3, 1, back, 256) == 0 && !memcmp(page, back, 256), "read back 0x0B");

  /* program only clears bits: a second program ANDs */
  uint8_t ones_cleared[256];
  memset(ones_cleared, 0x0F, sizeof ones_cleared);
  program(link, 0x02, 0x10100, 3, ones_cleared, 256);
  read_flash(link, 0x03, 0x10100, 3, 0, back, 256);
  int and_ok = 1;
  for (int i = 0; i < 256; i++) and_ok &= back[i] == (page[i] & 0x0F);
  CHECK(and_ok, "second program ANDs into the page");

  /* address wraps inside the page */
  uint8_t tail[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  program(link, 0x02, 0x102FC, 3, tail, 8);
  CHECK(flash[0x102FC] == 1 && flash[0x102FF] == 4 && flash[0x10200] == 5 && flash[0x10203] == 8 && flash[0x10300] == 0xFF,
        "page program wraps at the page end");

  /* a long read crossing many 512-byte USB packets */
  static uint8_t big[70000], expect[70000];
  fill_pattern(expect, sizeof expect, 7);
  memcpy(flash + 0x40000, expect, sizeof expect);
  CHECK(read_flash(link, 0x03, 0x40000, 3, 0, big, sizeof big) == 0 && !memcmp(big, expect, sizeof big),
        "70000-byte read through libftdi packet stripping");
}

static void check_protection_and_faults(spi_link *link) {
  uint8_t *flash = femu_flash_data();
  uint32_t size = femu_flash_size();
  femu_set_status_register(0x04); /* BP0: upper 1/64 */
  uint32_t start, end;
  femu_protected_range(&start, &end);
  CHECK(start == size - size / 64 && end == size, "BP=1 protects the top 1/64: %08X..%08X", start, end);
  flash[size - 4096] = 0x00;
  erase(link, 0x20, size - 4096, 3);
  CHECK(flash[size - 4096] == 0x00, "erase in the protected range refused");
  CHECK(!(read_status(link) & 0x02), "refused erase clears WEL");
  erase(link, 0xC7, 0, 0);
  CHECK(flash[size - 4096] == 0x00 && femu_counters().refused_operations >= 2, "chip erase refused with BP set");
  femu_set_status_register(0x00);

  /* write status through SPI: needs WEL */
  uint8_t set_bp[2] = {0x01, 0x08};
  spi_transfer(link, set_bp, 2, NULL, 0);
  CHECK((femu_status_register() & 0x1C) == 0, "status write without WEL refused");
  write_enable(link);
  spi_transfer(link, set_bp, 2, NULL, 0);
  wait_ready(link, 1000);
  CHECK((femu_status_register() & 0x1C) == 0x08, "status write with WEL sets BP1");
  write_enable(link);
  set_bp[1] = 0;
  spi_transfer(link, set_bp, 2, NULL, 0);
  wait_ready(link, 1000);

  /* refused WEL */
  femu_fault_refuse_write_enable(true);
  write_enable(link);
  CHECK(!(read_status(link) & 0x02), "write enable refused by fault");
  femu_fault_refuse_write_enable(false);

  /* corrupt one read */
  flash[0x500] = 0x5A;
  femu_fault_corrupt_read(0x500, 0x01);
  uint8_t value[2];
  read_flash(link, 0x03, 0x500, 3, 0, value, 1);
  read_flash(link, 0x03, 0x500, 3, 0, value + 1, 1);
  CHECK(value[0] == 0x5B && value[1] == 0x5A, "corrupt read once: %02X then %02X", value[0], value[1]);

  /* stuck busy */
  femu_fault_stuck_busy(true);
  uint8_t page[256];
  memset(page, 0xA5, sizeof page);
  program(link, 0x02, 0x600, 3, page, 16);
  CHECK(wait_ready(link, 50) < 0, "stuck busy never becomes ready");
  uint8_t op = 0x9F, id[3];
  spi_transfer(link, &op, 1, id, 3);
  CHECK(id[0] == 0xFF, "commands other than status reads ignored while busy");
  femu_fault_stuck_busy(false);
  CHECK(wait_ready(link, 5) > 0, "ready again once the fault is cleared");
}

static void check_timing(void) {
  femu_config config;
  femu_config_init(&config);
  config.timing_enabled = true;
  femu_reset(&config);
  spi_link link = {0};
  CHECK(spi_open(&link, 3) == 0, "open for timing");
  femu_clear_counters();
  int polls = erase(&link, 0x20, 0, 3);
  femu_counter_values counters = femu_counters();
  /* 45 ms at ~125 us per status poll round trip: a few hundred polls, 45 ms of virtual time */
  printf("timing: sector erase %d polls, %llu ns virtual, %llu round trips\n", polls, (unsigned long long)counters.virtual_time_ns, (unsigned long long)counters.round_trips);
  CHECK(polls > 100 && counters.virtual_time_ns >= 45000000 && counters.virtual_time_ns < 60000000,
        "sector erase took %d polls and %llu ns", polls, (unsigned long long)counters.virtual_time_ns);
  CHECK(counters.round_trips >= (uint64_t)polls, "round trips %llu", (unsigned long long)counters.round_trips);
  spi_close(&link);
}

static void check_four_byte_addressing(bool use_async) {
  femu_config config;
  femu_config_init(&config);
  config.flash_size = 32u * 1024 * 1024;
  config.jedec_id[2] = 0x19; /* W25Q256 */
  config.chip_select_pin = 4;
  femu_reset(&config);
  spi_link link = {.use_async = use_async};
  CHECK(spi_open(&link, 4) == 0, "open with CS on ADBUS4");
  uint8_t page[256], back[256];
  fill_pattern(page, sizeof page, 3);
  CHECK(program(&link, 0x12, 0x01800000, 4, page, 256) > 0, "4-byte program 0x12");
  CHECK(read_flash(&link, 0x13, 0x01800000, 4, 0, back, 256) == 0 && !memcmp(page, back, 256), "4-byte read 0x13");
  uint8_t enter = 0xB7;
  spi_transfer(&link, &enter, 1, NULL, 0);
  CHECK(femu_flash_state().four_byte_mode, "0xB7 enters 4-byte mode");
  CHECK(read_flash(&link, 0x0B, 0x01800000, 4, 1, back, 256) == 0 && !memcmp(page, back, 256), "0x0B in 4-byte mode");
  CHECK(erase(&link, 0xDC, 0x01800000, 4) > 0 && femu_flash_data()[0x01800000] == 0xFF, "4-byte 64 KiB erase 0xDC");
  uint8_t sfdp[0x84];
  read_flash(&link, 0x5A, 0, 3, 1, sfdp, sizeof sfdp);
  CHECK(((sfdp[0x82] >> 1) & 3) == 1, "BFPT says 3-or-4-byte addressing");
  spi_close(&link);
}

static void check_power_cut(void) {
  femu_reset(NULL);
  spi_link link = {0};
  CHECK(spi_open(&link, 3) == 0, "open for power cut");
  uint8_t page[256];
  fill_pattern(page, sizeof page, 9);
  femu_fault_power_cut_after(1); /* the erase completes, the program is interrupted */
  memset(femu_flash_data(), 0x00, 4096);
  erase(&link, 0x20, 0, 3);
  uint8_t command[4 + 256] = {0x02, 0, 0, 0};
  memcpy(command + 4, page, 256);
  write_enable(&link);
  int rc = spi_transfer(&link, command, sizeof command, NULL, 0);
  CHECK(rc != 0, "the transfer carrying the interrupted program fails");
  CHECK(!femu_powered(), "power is off");
  uint8_t status = 0;
  uint8_t op = 0x05;
  CHECK(spi_transfer(&link, &op, 1, &status, 1) != 0, "calls on the old handle fail");
  spi_close(&link);
  spi_link again = {0};
  CHECK(spi_open(&again, 3) != 0, "cannot open while unpowered");
  femu_power_restore();
  CHECK(spi_open(&again, 3) == 0, "reopen after power restore");
  uint8_t back[256];
  read_flash(&again, 0x03, 0, 3, 0, back, 256);
  uint8_t expect[256];
  memset(expect, 0xFF, sizeof expect);
  memcpy(expect, page, 128);
  CHECK(!memcmp(back, expect, 256), "interrupted page holds the first half of its data");
  spi_close(&again);
}

static void check_absent_and_denied(void) {
  femu_reset(NULL);
  femu_fault_device_absent(true);
  spi_link link = {0};
  int rc = spi_open(&link, 3);
  CHECK(rc == -3, "absent device: ftdi_usb_open returns -3 (device not found), got %d", rc);
  femu_fault_device_absent(false);
  femu_fault_open_access_denied(true);
  rc = spi_open(&link, 3);
  CHECK(rc < 0 && rc != -3, "permission denied: ftdi_usb_open fails (got %d)", rc);
  femu_fault_open_access_denied(false);
  femu_config none;
  femu_config_init(&none);
  none.device_count = 0;
  femu_reset(&none);
  CHECK(spi_open(&link, 3) == -3, "no device attached");
}


static void check_commands_split_across_transfers(void) {
  femu_reset(NULL);
  spi_link link = {0};
  CHECK(spi_open(&link, 3) == 0, "open for chunked writes");
  /* libftdi1 cuts writes into writebuffer_chunksize pieces: 7-byte bulk OUTs split every
     MPSSE command header and payload across transfers */
  ftdi_write_data_set_chunksize(link.ftdi, 7);
  uint8_t page[256], back[256];
  fill_pattern(page, sizeof page, 11);
  femu_clear_counters();
  CHECK(program(&link, 0x02, 0x2000, 3, page, 256) > 0, "program through 7-byte transfers");
  CHECK(femu_counters().bulk_out_transfers > 40, "writes really were split (%llu OUTs)",
        (unsigned long long)femu_counters().bulk_out_transfers);
  CHECK(read_flash(&link, 0x03, 0x2000, 3, 0, back, 256) == 0 && !memcmp(page, back, 256), "read back");
  /* a small read buffer: libftdi reads 64-byte transfers, each with its own status bytes */
  ftdi_read_data_set_chunksize(link.ftdi, 64);
  CHECK(read_flash(&link, 0x03, 0x2000, 3, 0, back, 256) == 0 && !memcmp(page, back, 256), "read back, 64-byte IN");
  spi_close(&link);
}

static void check_ids_reset_and_modes(void) {
  femu_config config;
  femu_config_init(&config);
  config.flash_size = 64u * 1024 * 1024;
  config.jedec_id[2] = 0x1A;
  config.sfdp_enabled = false;
  femu_reset(&config);
  spi_link link = {0};
  CHECK(spi_open(&link, 3) == 0, "open 64 MiB");
  uint8_t legacy[4] = {0x90, 0, 0, 0}, ids[2] = {0};
  spi_transfer(&link, legacy, 4, ids, 2);
  CHECK(ids[0] == 0xEF && ids[1] == 0x19, "0x90 manufacturer/device %02X %02X", ids[0], ids[1]);
  uint8_t sfdp[4];
  read_flash(&link, 0x5A, 0, 3, 1, sfdp, 4);
  CHECK(sfdp[0] == 0xFF && sfdp[3] == 0xFF, "SFDP disabled reads FF");
  uint8_t enter = 0xB7, exit4 = 0xE9, enable_reset = 0x66, reset = 0x99, wren = 0x06;
  spi_transfer(&link, &enter, 1, NULL, 0);
  CHECK(femu_flash_state().four_byte_mode, "B7 enters 4-byte mode");
  uint8_t page[16] = {0x12, 0x34};
  program(&link, 0x02, 0x03FFFF00, 4, page, 2);
  CHECK(femu_flash_data()[0x03FFFF00] == 0x12 && femu_flash_data()[0x03FFFF01] == 0x34, "0x02 with 4 address bytes");
  spi_transfer(&link, &exit4, 1, NULL, 0);
  CHECK(!femu_flash_state().four_byte_mode, "E9 exits 4-byte mode");
  spi_transfer(&link, &enter, 1, NULL, 0);
  spi_transfer(&link, &reset, 1, NULL, 0);
  CHECK(femu_flash_state().four_byte_mode, "99 without 66 does nothing");
  spi_transfer(&link, &enable_reset, 1, NULL, 0);
  spi_transfer(&link, &wren, 1, NULL, 0);
  spi_transfer(&link, &reset, 1, NULL, 0);
  CHECK(femu_flash_state().four_byte_mode, "another command between 66 and 99 cancels the reset");
  spi_transfer(&link, &enable_reset, 1, NULL, 0);
  spi_transfer(&link, &reset, 1, NULL, 0);
  CHECK(!femu_flash_state().four_byte_mode && !(femu_status_register() & 0x02), "66 99 resets mode and WEL");
  /* bottom protection: TB = 1, BP = 2 -> lower size/32 */
  femu_set_status_register(0x20 | 0x08);
  uint32_t start, end;
  femu_protected_range(&start, &end);
  CHECK(start == 0 && end == femu_flash_size() / 32, "TB+BP1 protects the bottom 1/32: %08X..%08X", start, end);
  femu_flash_data()[0] = 0;
  erase(&link, 0x20, 0, 3);
  CHECK(femu_flash_data()[0] == 0, "bottom-protected erase refused");
  /* CS raised mid-byte: the program is not executed (W25Q128JV 8.2.13) */
  femu_set_status_register(0);
  const uint8_t partial[] = {
    0x80, 0x00, 0x0B, 0x11, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00, 0x00,  /* 02 001000 00 */
    0x13, 0x02, 0x00,                                                  /* 3 more bits */
    0x80, 0x08, 0x0B};
  write_enable(&link);
  mpsse_write(&link, partial, sizeof partial);
  CHECK(femu_flash_data()[0x1000] == 0xFF, "program with a trailing partial byte not executed");
  spi_close(&link);

  femu_config three;
  femu_config_init(&three);
  three.address_mode = FEMU_ADDRESS_3_ONLY;
  femu_reset(&three);
  CHECK(spi_open(&link, 3) == 0, "open 3-byte-only");
  spi_transfer(&link, &enter, 1, NULL, 0);
  CHECK(!femu_flash_state().four_byte_mode, "3-byte-only part ignores B7");
  spi_close(&link);
  three.flash_size = 32u * 1024 * 1024;
  CHECK(femu_reset(&three) == -1, "3-byte-only above 16 MiB is rejected");
  three.flash_size = 3u * 1024 * 1024;
  CHECK(femu_reset(&three) == -1, "non-power-of-two size is rejected");
}

/* The emulator is inspected from another thread while libftdi drives it: every femu_*
 * call takes the emulator's mutex (run under -fsanitize=thread to see it hold). */
static atomic_int observer_running;
static void *observe(void *unused) {
  (void)unused;
  uint64_t last = 0;
  while (observer_running) {
    femu_counter_values c = femu_counters();
    femu_flash_snapshot f = femu_flash_state();
    (void)f;
    if (c.spi_bytes < last) { failures++; printf("FAIL: counters went backwards\n"); }
    last = c.spi_bytes;
    (void)femu_status_register();
    (void)femu_ftdi_state(0);
  }
  return NULL;
}

static void check_observed_from_another_thread(void) {
  femu_reset(NULL);
  spi_link link = {0};
  CHECK(spi_open(&link, 3) == 0, "open for the threaded check");
  pthread_t observer;
  observer_running = 1;
  pthread_create(&observer, NULL, observe, NULL);
  uint8_t page[256], back[256];
  for (unsigned i = 0; i < 32; i++) {
    fill_pattern(page, sizeof page, i);
    program(&link, 0x02, i * 256, 3, page, 256);
    read_flash(&link, 0x03, i * 256, 3, 0, back, 256);
    CHECK(!memcmp(page, back, 256), "page %u read back while observed", i);
  }
  observer_running = 0;
  pthread_join(observer, NULL);
  spi_close(&link);
}

int main(void) {
  check_interposition();
  check_enumeration_and_identity();

  femu_reset(NULL);
  spi_link link = {0};
  int rc = spi_open(&link, 3);
  CHECK(rc == 0, "spi_open: %d", rc);
  if (rc == 0) {
    femu_counter_values before = femu_counters();
    CHECK(before.control_transfers > 0, "libftdi's control transfers reached the emulator");
    check_mpsse_basics(&link);
    check_identification(&link);
    check_erase_program_read(&link);
    check_protection_and_faults(&link);
    spi_close(&link);
  }
  check_timing();
  check_four_byte_addressing(false);
  check_four_byte_addressing(true);
  check_power_cut();
  check_commands_split_across_transfers();
  check_ids_reset_and_modes();
  check_absent_and_denied();
  check_observed_from_another_thread();

  femu_counter_values c = femu_counters();
  printf("counters of the threaded check: control %llu, bulk out %llu, bulk in %llu, round trips %llu, spi bytes %llu\n",
         (unsigned long long)c.control_transfers, (unsigned long long)c.bulk_out_transfers,
         (unsigned long long)c.bulk_in_transfers, (unsigned long long)c.round_trips,
         (unsigned long long)c.spi_bytes);
  printf(failures ? "selftest: %d FAILED\n" : "selftest: all checks passed\n", failures);
  return failures ? 1 : 0;
}
