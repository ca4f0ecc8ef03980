/*
 * The FTDI vendor requests (bRequest values as in libftdi1's ftdi.h, SIO_*), acknowledged
 * and recorded per interface so tests can assert what the flasher configured.
 * wIndex low byte names the port: 1 = A, 2 = B (0 is treated as A, as single-port chips do).
 */
#include "femu_internal.h"

#include <libusb-1.0/libusb.h>
#include <string.h>

enum {
  SIO_RESET = 0x00, SIO_MODEM_CTRL = 0x01, SIO_SET_FLOW_CTRL = 0x02, SIO_SET_BAUD_RATE = 0x03,
  SIO_SET_DATA = 0x04, SIO_POLL_MODEM_STATUS = 0x05, SIO_SET_EVENT_CHAR = 0x06,
  SIO_SET_ERROR_CHAR = 0x07, SIO_SET_LATENCY_TIMER = 0x09, SIO_GET_LATENCY_TIMER = 0x0A,
  SIO_SET_BITMODE = 0x0B, SIO_READ_PINS = 0x0C, SIO_READ_EEPROM = 0x90,
  SIO_WRITE_EEPROM = 0x91, SIO_ERASE_EEPROM = 0x92,
};

enum { BITMODE_MPSSE = 0x02 };

/* Modem status bytes: the same pair that leads every bulk IN packet (see ftdi_bulk_pipe.c). */
extern const uint8_t femu_modem_status[2];

/* Power-on state of one port (FT2232H datasheet: latency timer 16 ms; AN_108: the MPSSE
 * starts with the divide-by-5 prescaler on, for FT2232D compatibility). */
static void power_on_interface(femu_interface *iface) {
  femu_bytes_clear(&iface->to_host);
  femu_bytes_clear(&iface->pending_command);
  memset(&iface->snapshot, 0, sizeof iface->snapshot);
  iface->snapshot.latency_timer_ms = 16;
  iface->snapshot.divide_by_5 = true;
  iface->claimed_by = NULL;
  iface->reply_outstanding = false;
}

void femu_ftdi_power_on(void) {
  for (unsigned i = 0; i < FEMU_INTERFACE_COUNT; i++) power_on_interface(&femu_g.interfaces[i]);
}

static femu_interface *port(uint16_t index) {
  unsigned number = index & 0xFF;
  return &femu_g.interfaces[number == 2 ? 1 : 0];
}

int femu_ftdi_control(uint8_t request_type, uint8_t request, uint16_t value, uint16_t index,
                      unsigned char *data, uint16_t length) {
  femu_interface *iface = port(index);
  femu_ftdi_snapshot *s = &iface->snapshot;
  bool device_to_host = request_type & LIBUSB_ENDPOINT_IN;
  switch (request) {
    case SIO_RESET:
      /* value 0 resets the port; 1 purges the chip's RX buffer (bytes from the host not yet
         executed); 2 purges its TX buffer (bytes waiting for the host). */
      if (value == 0) { s->resets++; femu_bytes_clear(&iface->to_host); femu_bytes_clear(&iface->pending_command); }
      else if (value == 1) { s->purges_rx++; femu_bytes_clear(&iface->pending_command); }
      else if (value == 2) { s->purges_tx++; femu_bytes_clear(&iface->to_host); }
      return 0;
    case SIO_MODEM_CTRL:
    case SIO_SET_DATA:
      return 0;
    case SIO_SET_FLOW_CTRL:
      s->flow_control = (uint16_t)(index & 0xFF00);
      return 0;
    case SIO_SET_BAUD_RATE:
      s->baud_value = value;
      s->baud_index = index;
      return 0;
    case SIO_SET_EVENT_CHAR:
      s->event_char = value;
      return 0;
    case SIO_SET_ERROR_CHAR:
      s->error_char = value;
      return 0;
    case SIO_SET_LATENCY_TIMER:
      s->latency_timer_ms = (uint8_t)value;
      return 0;
    case SIO_SET_BITMODE: {
      uint8_t mode = (uint8_t)(value >> 8);
      if (mode != s->bitmode) femu_bytes_clear(&iface->pending_command); /* mode change drops a half command */
      if (s->bitmode == BITMODE_MPSSE && mode != BITMODE_MPSSE) {
        /* leaving MPSSE hands the pins back: the MPSSE no longer drives SCK/MOSI/CS#, so
           CS# floats high on its pull-up and ends any transaction */
        uint8_t old_value = s->low_value, old_direction = s->low_direction;
        s->low_direction = 0;
        s->high_direction = 0;
        if (iface == &femu_g.interfaces[0]) femu_spi_pins_changed(s, old_value, old_direction);
      }
      s->bitmode = mode;
      s->bitmode_mask = (uint8_t)value;
      return 0;
    }
    case SIO_GET_LATENCY_TIMER:
      if (!device_to_host || length < 1) return LIBUSB_ERROR_PIPE;
      data[0] = s->latency_timer_ms;
      return 1;
    case SIO_POLL_MODEM_STATUS:
      if (!device_to_host || length < 2) return LIBUSB_ERROR_PIPE;
      data[0] = femu_modem_status[0];
      data[1] = femu_modem_status[1];
      return 2;
    case SIO_READ_PINS:
      if (!device_to_host || length < 1) return LIBUSB_ERROR_PIPE;
      data[0] = iface == &femu_g.interfaces[0] ? femu_spi_read_low_pins(s) : 0xFF;
      return 1;
    case SIO_READ_EEPROM:
      /* No configuration EEPROM is modelled: a blank 93C56 reads all ones. */
      if (!device_to_host || length < 2) return LIBUSB_ERROR_PIPE;
      data[0] = 0xFF;
      data[1] = 0xFF;
      return 2;
    case SIO_WRITE_EEPROM:
    case SIO_ERASE_EEPROM:
      return 0; /* acknowledged, not stored */
    default:
      return LIBUSB_ERROR_PIPE; /* unknown vendor requests stall */
  }
}
