#include "spi_over_libftdi.h"

#include <stdlib.h>
#include <string.h>

enum { SCK = 0x01, MOSI = 0x02 };

static uint8_t idle_value(const spi_link *link) { return (uint8_t)(1u << link->cs_pin); }
static uint8_t directions(const spi_link *link) { return (uint8_t)(SCK | MOSI | (1u << link->cs_pin)); }

int mpsse_write(spi_link *link, const uint8_t *bytes, size_t length) {
  if (link->use_async) {
    struct ftdi_transfer_control *tc = ftdi_write_data_submit(link->ftdi, (unsigned char *)bytes, (int)length);
    if (tc == NULL) return -1;
    int done = ftdi_transfer_data_done(tc);
    return done == (int)length ? 0 : -1;
  }
  int written = ftdi_write_data(link->ftdi, bytes, (int)length);
  return written == (int)length ? 0 : -1;
}

int mpsse_read(spi_link *link, uint8_t *bytes, size_t length) {
  size_t got = 0;
  for (int attempts = 0; got < length && attempts < 100; attempts++) {
    int n;
    if (link->use_async) {
      struct ftdi_transfer_control *tc = ftdi_read_data_submit(link->ftdi, bytes + got, (int)(length - got));
      if (tc == NULL) return -1;
      n = ftdi_transfer_data_done(tc);
    } else {
      n = ftdi_read_data(link->ftdi, bytes + got, (int)(length - got));
    }
    if (n < 0) return n;
    got += (size_t)n;
  }
  return got == length ? 0 : -1;
}

int spi_open(spi_link *link, unsigned cs_pin) {
  link->cs_pin = cs_pin;
  link->ftdi = ftdi_new();
  if (link->ftdi == NULL) return -100;
  int rc = ftdi_set_interface(link->ftdi, INTERFACE_A);
  if (rc == 0) rc = ftdi_usb_open(link->ftdi, 0x0403, 0x6010);
  if (rc != 0) { ftdi_free(link->ftdi); link->ftdi = NULL; return rc; }
  if ((rc = ftdi_usb_reset(link->ftdi)) != 0) return rc;
  if ((rc = ftdi_set_latency_timer(link->ftdi, 1)) != 0) return rc;
  if ((rc = ftdi_set_bitmode(link->ftdi, 0, BITMODE_RESET)) != 0) return rc;
  if ((rc = ftdi_set_bitmode(link->ftdi, 0, BITMODE_MPSSE)) != 0) return rc;
  if ((rc = ftdi_tcioflush(link->ftdi)) != 0) return rc;
  const uint8_t setup[] = {
    0x8A,             /* 60 MHz base clock */
    0x97,             /* adaptive clocking off */
    0x8D,             /* 3-phase off */
    0x85,             /* loopback off */
    0x86, 0x00, 0x00, /* divisor 0: 30 MHz */
    0x80, idle_value(link), directions(link),
  };
  return mpsse_write(link, setup, sizeof setup);
}

void spi_close(spi_link *link) {
  if (link->ftdi == NULL) return;
  ftdi_usb_close(link->ftdi);
  ftdi_free(link->ftdi);
  link->ftdi = NULL;
}

int spi_transfer(spi_link *link, const uint8_t *out, size_t out_length, uint8_t *in, size_t in_length) {
  size_t capacity = 16 + out_length + 3 * (in_length / 65536 + 1);
  uint8_t *buffer = malloc(capacity);
  size_t n = 0;
  buffer[n++] = 0x80; buffer[n++] = 0x00; buffer[n++] = directions(link); /* CS low */
  if (out_length > 0) { /* 0x11: bytes out on -ve edge, MSB first (AN_108 3.3.2) */
    buffer[n++] = 0x11;
    buffer[n++] = (uint8_t)(out_length - 1);
    buffer[n++] = (uint8_t)((out_length - 1) >> 8);
    memcpy(buffer + n, out, out_length);
    n += out_length;
  }
  for (size_t left = in_length; left > 0;) { /* 0x20: bytes in on +ve edge, MSB first */
    size_t chunk = left > 65536 ? 65536 : left;
    buffer[n++] = 0x20;
    buffer[n++] = (uint8_t)(chunk - 1);
    buffer[n++] = (uint8_t)((chunk - 1) >> 8);
    left -= chunk;
  }
  buffer[n++] = 0x80; buffer[n++] = idle_value(link); buffer[n++] = directions(link); /* CS high */
  buffer[n++] = 0x87; /* send immediate */
  int rc = mpsse_write(link, buffer, n);
  free(buffer);
  if (rc == 0 && in_length > 0) rc = mpsse_read(link, in, in_length);
  return rc;
}
