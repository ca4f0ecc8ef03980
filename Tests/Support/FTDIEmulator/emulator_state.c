/*
 * The one global emulator: creation from a config, power, fault switches and observation.
 * Every public entry point takes the mutex, so a test thread may inspect the emulator while
 * another thread drives libftdi.
 */
#include "femu_internal.h"

#include <stdlib.h>
#include <string.h>

femu_state femu_g;
static pthread_mutex_t femu_mutex = PTHREAD_MUTEX_INITIALIZER;

void femu_lock(void) { pthread_mutex_lock(&femu_mutex); }
void femu_unlock(void) { pthread_mutex_unlock(&femu_mutex); }

static bool is_power_of_two(uint32_t value) { return value && !(value & (value - 1)); }

static bool config_is_valid(const femu_config *config) {
  if (!is_power_of_two(config->flash_size)) return false;
  if (config->flash_size < 64u * 1024u || config->flash_size > 256u * 1024u * 1024u) return false;
  if (config->chip_select_pin != 3 && config->chip_select_pin != 4) return false;
  if (config->address_mode == FEMU_ADDRESS_3_ONLY && config->flash_size > 16u * 1024u * 1024u)
    return false;
  if (config->address_mode > FEMU_ADDRESS_4_ONLY) return false;
  return true;
}

static void clear_faults_locked(void) {
  femu_g.operations_before_cut = FEMU_NEVER;
  femu_g.corrupt_armed = false;
  femu_g.refuse_write_enable = false;
  femu_g.device_absent = false;
  femu_g.open_access_denied = false;
  femu_g.stuck_busy = false;
}

static int reset_locked(const femu_config *requested) {
  femu_config config;
  if (requested) config = *requested; else femu_config_init(&config);
  /* never trust the caller to have terminated the fixed strings */
  config.manufacturer[FEMU_STRING_CAPACITY - 1] = '\0';
  config.description[FEMU_STRING_CAPACITY - 1] = '\0';
  config.serial[FEMU_STRING_CAPACITY - 1] = '\0';
  if (!config_is_valid(&config)) return -1;

  femu_flash flash;
  if (femu_flash_create(&flash, &config) != 0) return -1;

  if (femu_g.initialized) {
    femu_flash_destroy(&femu_g.flash);
    for (unsigned i = 0; i < FEMU_INTERFACE_COUNT; i++) {
      femu_bytes_free(&femu_g.interfaces[i].to_host);
      femu_bytes_free(&femu_g.interfaces[i].pending_command);
    }
  }
  uint64_t generation = femu_g.generation;
  memset(&femu_g, 0, sizeof femu_g);
  femu_g.generation = generation + 1; /* handles from a previous emulator are dead */
  femu_g.initialized = true;
  femu_g.config = config;
  femu_g.flash = flash;
  femu_g.powered = true;
  clear_faults_locked();
  femu_ftdi_power_on();
  return 0;
}

void femu_ensure_initialized(void) {
  if (!femu_g.initialized) reset_locked(NULL);
}

int femu_reset(const femu_config *config) {
  femu_lock();
  int result = reset_locked(config);
  femu_unlock();
  return result;
}

uint8_t *femu_flash_data(void) {
  femu_lock();
  femu_ensure_initialized();
  uint8_t *data = femu_g.flash.array;
  femu_unlock();
  return data;
}

uint32_t femu_flash_size(void) {
  femu_lock();
  femu_ensure_initialized();
  uint32_t size = femu_g.flash.size;
  femu_unlock();
  return size;
}

uint8_t femu_status_register(void) {
  femu_lock();
  femu_ensure_initialized();
  uint8_t value = femu_flash_live_status1(&femu_g.flash);
  femu_unlock();
  return value;
}

void femu_set_status_register(uint8_t value) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.flash.status1 = (uint8_t)((femu_g.flash.status1 & 0x03) | (value & 0xFC));
  femu_unlock();
}

void femu_protected_range(uint32_t *start, uint32_t *end) {
  femu_lock();
  femu_ensure_initialized();
  femu_flash_protected_range(&femu_g.flash, start, end);
  femu_unlock();
}

/* ---- power ---- */

void femu_cut_power_locked(void) {
  femu_g.powered = false;
  femu_g.generation++;
  femu_g.operations_before_cut = FEMU_NEVER;
  for (unsigned i = 0; i < FEMU_INTERFACE_COUNT; i++) {
    femu_bytes_clear(&femu_g.interfaces[i].to_host);
    femu_bytes_clear(&femu_g.interfaces[i].pending_command);
  }
}

void femu_fault_power_cut_after(uint64_t operations) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.operations_before_cut = operations;
  femu_unlock();
}

void femu_power_cut(void) {
  femu_lock();
  femu_ensure_initialized();
  femu_cut_power_locked();
  femu_unlock();
}

void femu_power_restore(void) {
  femu_lock();
  femu_ensure_initialized();
  if (!femu_g.powered) {
    femu_g.powered = true;
    femu_g.generation++;
    femu_flash_power_on(&femu_g.flash);
    femu_ftdi_power_on();
  }
  femu_unlock();
}

bool femu_powered(void) {
  femu_lock();
  femu_ensure_initialized();
  bool powered = femu_g.powered;
  femu_unlock();
  return powered;
}

/* ---- faults ---- */

void femu_fault_corrupt_read(uint32_t address, uint8_t xor_mask) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.corrupt_armed = true;
  femu_g.corrupt_address = address & (femu_g.flash.size - 1);
  femu_g.corrupt_mask = xor_mask ? xor_mask : 0xFF;
  femu_unlock();
}

void femu_fault_refuse_write_enable(bool on) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.refuse_write_enable = on;
  femu_unlock();
}

void femu_fault_device_absent(bool on) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.device_absent = on;
  femu_unlock();
}

void femu_fault_open_access_denied(bool on) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.open_access_denied = on;
  femu_unlock();
}

void femu_fault_stuck_busy(bool on) {
  femu_lock();
  femu_ensure_initialized();
  femu_g.stuck_busy = on;
  if (on && femu_flash_busy(&femu_g.flash)) femu_g.flash.stuck = true; /* catch a running op */
  if (!on) femu_g.flash.stuck = false;
  femu_unlock();
}

void femu_clear_faults(void) {
  femu_lock();
  femu_ensure_initialized();
  clear_faults_locked();
  femu_g.flash.stuck = false;
  femu_unlock();
}

/* ---- observation ---- */

femu_counter_values femu_counters(void) {
  femu_lock();
  femu_ensure_initialized();
  femu_counter_values values = femu_g.counters;
  values.virtual_time_ns = femu_g.now_ns - femu_g.counters_since_ns;
  values.spi_bytes = femu_g.spi_bits / 8;
  femu_unlock();
  return values;
}

void femu_clear_counters(void) {
  femu_lock();
  femu_ensure_initialized();
  memset(&femu_g.counters, 0, sizeof femu_g.counters);
  memset(femu_g.opcode_counts, 0, sizeof femu_g.opcode_counts);
  femu_g.spi_bits = 0;
  femu_g.counters_since_ns = femu_g.now_ns;
  femu_unlock();
}

uint64_t femu_opcode_count(uint8_t opcode) {
  femu_lock();
  femu_ensure_initialized();
  uint64_t count = femu_g.opcode_counts[opcode];
  femu_unlock();
  return count;
}

uint64_t femu_virtual_time_ns(void) {
  femu_lock();
  femu_ensure_initialized();
  uint64_t now = femu_g.now_ns;
  femu_unlock();
  return now;
}

uint32_t femu_spi_clock_hz(void) {
  femu_lock();
  femu_ensure_initialized();
  uint32_t hz = femu_mpsse_clock_hz(&femu_g.interfaces[0].snapshot);
  femu_unlock();
  return hz;
}

femu_flash_snapshot femu_flash_state(void) {
  femu_lock();
  femu_ensure_initialized();
  femu_flash_snapshot snapshot = {
    .status1 = femu_flash_live_status1(&femu_g.flash),
    .status2 = femu_g.flash.status2,
    .four_byte_mode = femu_g.flash.four_byte_mode,
    .busy = femu_flash_busy(&femu_g.flash),
    .busy_until_ns = femu_g.flash.stuck ? UINT64_MAX : femu_g.flash.busy_until_ns,
  };
  femu_unlock();
  return snapshot;
}

femu_ftdi_snapshot femu_ftdi_state(unsigned interface_index) {
  femu_ftdi_snapshot snapshot;
  memset(&snapshot, 0, sizeof snapshot);
  femu_lock();
  femu_ensure_initialized();
  if (interface_index < FEMU_INTERFACE_COUNT) {
    snapshot = femu_g.interfaces[interface_index].snapshot;
    snapshot.claimed = femu_g.interfaces[interface_index].claimed_by != NULL;
  }
  femu_unlock();
  return snapshot;
}
