/*
 * The FT2232H's bulk pipes.
 *
 * OUT (host -> chip): in MPSSE mode the bytes are MPSSE commands (AN_108); they are queued
 * and every complete command runs at once. In other bit modes the bytes are accepted and
 * dropped (UART/bit-bang are not modelled). Port B has no flash behind it.
 *
 * IN (chip -> host): every USB packet the chip sends starts with two modem-status bytes,
 * even when it carries no data (FTDI AN232B-04 "Data Throughput, Latency and Handshaking";
 * libftdi1 strips them per max_packet_size chunk in ftdi_read_data). High speed packets are
 * 512 bytes, so each carries at most 510 data bytes. A transfer ends with the first short
 * packet, as on the bus: when the data runs out on a packet boundary, a status-only packet
 * ends it.
 */
#include "femu_internal.h"

#include <libusb-1.0/libusb.h>
#include <string.h>

/* 0x32 0x60: CTS/DSR-style bits in byte 0's upper nibble as seen from an idle FT2232H, and
 * in byte 1 THRE (bit 5) + TEMT (bit 6): transmitter empty. libftdi1 ignores both. */
const uint8_t femu_modem_status[2] = {0x32, 0x60};

enum { BITMODE_MPSSE = 0x02 };

int femu_interface_for_endpoint(unsigned char endpoint) {
  switch (endpoint) {
    case 0x02: case 0x81: return 0; /* port A */
    case 0x04: case 0x83: return 1; /* port B */
    default: return -1;
  }
}

int femu_ftdi_bulk_out(unsigned interface_index, const uint8_t *data, int length, int *transferred) {
  femu_interface *iface = &femu_g.interfaces[interface_index];
  femu_g.counters.bulk_out_transfers++;
  femu_clock_usb_transfer();
  iface->reply_outstanding = true;
  if (interface_index == 0 && iface->snapshot.bitmode == BITMODE_MPSSE) {
    femu_bytes_append(&iface->pending_command, data, (size_t)length);
    femu_mpsse_run(interface_index);
  }
  if (!femu_g.powered) return LIBUSB_ERROR_NO_DEVICE; /* power died under this transfer */
  *transferred = length;
  return LIBUSB_SUCCESS;
}

int femu_ftdi_bulk_in(unsigned interface_index, uint8_t *data, int length, int *transferred) {
  femu_interface *iface = &femu_g.interfaces[interface_index];
  femu_g.counters.bulk_in_transfers++;
  femu_clock_usb_transfer();
  int written = 0;
  for (;;) {
    int room = length - written;
    if (room < 2) break; /* cannot even hold the status bytes */
    int packet = room < FEMU_PACKET_SIZE ? room : FEMU_PACKET_SIZE;
    size_t available = femu_bytes_available(&iface->to_host);
    size_t payload = (size_t)(packet - 2) < available ? (size_t)(packet - 2) : available;
    data[written] = femu_modem_status[0];
    data[written + 1] = femu_modem_status[1];
    memcpy(data + written + 2, femu_bytes_peek(&iface->to_host), payload);
    femu_bytes_consume(&iface->to_host, payload);
    written += 2 + (int)payload;
    if (2 + (int)payload < FEMU_PACKET_SIZE) break; /* short packet ends the transfer */
  }
  if (iface->reply_outstanding && written > 2) {
    femu_g.counters.round_trips++;
    iface->reply_outstanding = false;
  }
  *transferred = written;
  return LIBUSB_SUCCESS;
}
