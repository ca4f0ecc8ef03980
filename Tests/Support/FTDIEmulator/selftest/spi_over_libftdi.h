/* A minimal SPI-over-MPSSE driver for the self-test, written against the real libftdi1
 * exactly as a flasher would use it. Independent of the emulator's internals. */
#ifndef SPI_OVER_LIBFTDI_H
#define SPI_OVER_LIBFTDI_H

#include <ftdi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spi_link {
  struct ftdi_context *ftdi;
  unsigned cs_pin;
  bool use_async;   /* ftdi_*_submit + ftdi_transfer_data_done instead of ftdi_write/read_data */
} spi_link;

/* Opens 0403:6010 port A, MPSSE mode, 30 MHz SCK. Returns libftdi's error code (0 = ok). */
int spi_open(spi_link *link, unsigned cs_pin);
void spi_close(spi_link *link);
/* One CS-framed transaction: write `out`, then read `in_length` bytes. Returns 0 or < 0. */
int spi_transfer(spi_link *link, const uint8_t *out, size_t out_length, uint8_t *in, size_t in_length);
/* Raw MPSSE bytes, and read exactly `length` reply bytes. */
int mpsse_write(spi_link *link, const uint8_t *bytes, size_t length);
int mpsse_read(spi_link *link, uint8_t *bytes, size_t length);

#endif
