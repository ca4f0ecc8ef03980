/*
 * Enumeration: libusb_get_device_list and the per-device queries libftdi1 makes while
 * matching vendor/product/bus/address. Devices are reference counted as in libusb: the list
 * holds one reference per device, libusb_open takes another.
 */
#include "usb_objects.h"

#include <stdlib.h>

ssize_t LIBUSB_CALL libusb_get_device_list(libusb_context *ctx, libusb_device ***list) {
  (void)ctx;
  femu_lock();
  femu_ensure_initialized();
  unsigned count = femu_g.config.device_count;
  /* an unpowered, absent or unplugged cable simply is not on the bus */
  if (!femu_g.powered || femu_g.device_absent) count = 0;
  libusb_device **devices = calloc(count + 1, sizeof *devices); /* NULL-terminated */
  if (devices == NULL) { femu_unlock(); return LIBUSB_ERROR_NO_MEM; }
  for (unsigned i = 0; i < count; i++) {
    devices[i] = calloc(1, sizeof **devices);
    devices[i]->reference_count = 1;
    devices[i]->index = i;
    devices[i]->generation = femu_g.generation;
  }
  femu_unlock();
  *list = devices;
  return (ssize_t)count;
}

void LIBUSB_CALL libusb_free_device_list(libusb_device **list, int unref_devices) {
  if (list == NULL) return;
  if (unref_devices)
    for (libusb_device **device = list; *device != NULL; device++) libusb_unref_device(*device);
  free(list);
}

libusb_device *LIBUSB_CALL libusb_ref_device(libusb_device *dev) {
  femu_lock();
  dev->reference_count++;
  femu_unlock();
  return dev;
}

void LIBUSB_CALL libusb_unref_device(libusb_device *dev) {
  if (dev == NULL) return;
  femu_lock();
  bool last = --dev->reference_count == 0;
  femu_unlock();
  if (last) free(dev);
}

uint8_t LIBUSB_CALL libusb_get_bus_number(libusb_device *dev) {
  (void)dev;
  femu_lock();
  uint8_t bus = femu_g.config.bus_number;
  femu_unlock();
  return bus;
}

uint8_t LIBUSB_CALL libusb_get_device_address(libusb_device *dev) {
  femu_lock();
  uint8_t address = (uint8_t)(femu_g.config.device_address + dev->index);
  femu_unlock();
  return address;
}

int LIBUSB_CALL libusb_get_device_speed(libusb_device *dev) {
  (void)dev;
  return LIBUSB_SPEED_HIGH; /* the FT2232H is a USB 2.0 high-speed device */
}

int LIBUSB_CALL libusb_get_max_packet_size(libusb_device *dev, unsigned char endpoint) {
  (void)dev;
  return femu_interface_for_endpoint(endpoint) < 0 ? LIBUSB_ERROR_NOT_FOUND : FEMU_PACKET_SIZE;
}

/* Each emulated cable hangs off root-hub port index + 1. */
int LIBUSB_CALL libusb_get_port_numbers(libusb_device *dev, uint8_t *port_numbers,
                                        int port_numbers_len) {
  if (port_numbers_len < 1) return LIBUSB_ERROR_OVERFLOW;
  port_numbers[0] = (uint8_t)(dev->index + 1);
  return 1;
}
