/*
 * The wires between the FT2232H's ADBUS and the flash (the iceprog / flashrom wiring):
 *   ADBUS0 = SCK (TCK/SK), ADBUS1 = MOSI (TDI/DO), ADBUS2 = MISO (TDO/DI),
 *   ADBUS3 or ADBUS4 = CS# (config.chip_select_pin).
 * A pin the MPSSE does not drive (direction bit 0) floats; the board pulls it up, so an
 * undriven CS# deselects the flash, an undriven SCK delivers no clocks and an undriven
 * MOSI reads as 1. MISO floats high while the flash is deselected.
 */
#include "femu_internal.h"

enum { SCK = 0x01, MOSI = 0x02, MISO = 0x04 };

static unsigned cs_level(uint8_t value, uint8_t direction) {
  uint8_t pin = (uint8_t)(1u << femu_g.config.chip_select_pin);
  return (direction & pin) ? (value & pin ? 1u : 0u) : 1u;
}

void femu_spi_pins_changed(const femu_ftdi_snapshot *mpsse, uint8_t old_value, uint8_t old_direction) {
  unsigned before = cs_level(old_value, old_direction);
  unsigned after = cs_level(mpsse->low_value, mpsse->low_direction);
  if (before == 1 && after == 0) {
    femu_g.counters.spi_transactions++;
    femu_flash_select(&femu_g.flash);
  } else if (before == 0 && after == 1) {
    femu_flash_deselect(&femu_g.flash);
  }
}

unsigned femu_spi_clock_bit(const femu_ftdi_snapshot *mpsse, unsigned mosi_bit) {
  bool selected = cs_level(mpsse->low_value, mpsse->low_direction) == 0;
  if (!(mpsse->low_direction & SCK)) return selected ? femu_flash_miso(&femu_g.flash) : 1u;
  if (!selected) return 1u;
  unsigned mosi = (mpsse->low_direction & MOSI) ? (mosi_bit & 1u) : 1u;
  femu_g.spi_bits++;
  return femu_flash_clock_bit(&femu_g.flash, mosi);
}

uint8_t femu_spi_clock_byte(const femu_ftdi_snapshot *mpsse, uint8_t mosi_byte) {
  bool selected = cs_level(mpsse->low_value, mpsse->low_direction) == 0;
  if (!selected || !(mpsse->low_direction & SCK)) {
    uint8_t miso = 0;
    for (unsigned i = 0; i < 8; i++)
      miso = (uint8_t)(miso << 1 | femu_spi_clock_bit(mpsse, (mosi_byte >> (7 - i)) & 1u));
    return miso;
  }
  if (!(mpsse->low_direction & MOSI)) mosi_byte = 0xFF;
  femu_g.spi_bits += 8;
  return femu_flash_clock_byte(&femu_g.flash, mosi_byte);
}

uint8_t femu_spi_read_low_pins(const femu_ftdi_snapshot *mpsse) {
  bool selected = cs_level(mpsse->low_value, mpsse->low_direction) == 0;
  uint8_t inputs = (uint8_t)~mpsse->low_direction;
  uint8_t levels = (uint8_t)((mpsse->low_value & mpsse->low_direction) | inputs); /* pull-ups */
  if ((inputs & MISO) && selected && !femu_flash_miso(&femu_g.flash)) levels &= (uint8_t)~MISO;
  return levels;
}
