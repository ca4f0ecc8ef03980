/* Default configuration and string helpers for femu_config. */
#include "ftdi_emulator.h"

#include <string.h>

static void copy_string(char destination[FEMU_STRING_CAPACITY], const char *source) {
  if (source == NULL) return;
  strncpy(destination, source, FEMU_STRING_CAPACITY - 1);
  destination[FEMU_STRING_CAPACITY - 1] = '\0';
}

void femu_config_init(femu_config *config) {
  memset(config, 0, sizeof *config);
  config->usb_vendor = 0x0403;  /* FTDI */
  config->usb_product = 0x6010; /* FT2232H (and FT2232C/D share the PID) */
  config->bcd_device = 0x0700;  /* libftdi1 maps bcdDevice 0x0700 to TYPE_2232H */
  copy_string(config->manufacturer, "FTDI");
  copy_string(config->description, "Dual RS232-HS"); /* the FT2232H factory default */
  copy_string(config->serial, "FT2232H0");
  config->device_count = 1;
  config->bus_number = 1;
  config->device_address = 4;
  /* Winbond W25Q128JV: manufacturer EFh, memory type 40h, capacity 18h (datasheet, "Read JEDEC ID (9Fh)"). */
  config->jedec_id[0] = 0xEF;
  config->jedec_id[1] = 0x40;
  config->jedec_id[2] = 0x18;
  config->flash_size = 16u * 1024u * 1024u;
  config->address_mode = FEMU_ADDRESS_AUTO;
  config->sfdp_enabled = true;
  config->timing_enabled = false;
  config->chip_select_pin = 3;
  config->round_trip_ns = 125000;
}

void femu_config_set_strings(femu_config *config, const char *manufacturer,
                             const char *description, const char *serial) {
  copy_string(config->manufacturer, manufacturer);
  copy_string(config->description, description);
  copy_string(config->serial, serial);
}
