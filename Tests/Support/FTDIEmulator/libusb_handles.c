/*
 * Opening and configuring a device: libusb_open/close, configuration, interface claims,
 * kernel-driver detach and string descriptors. A handle belongs to one emulator generation:
 * after a power cut (or femu_reset) every call on it returns LIBUSB_ERROR_NO_DEVICE, as the
 * kernel does for a device that has gone from the bus.
 */
#include "usb_objects.h"

#include <stdlib.h>
#include <string.h>

bool femu_handle_alive(const struct libusb_device_handle *handle) {
  return handle != NULL && femu_g.powered && handle->generation == femu_g.generation;
}

int LIBUSB_CALL libusb_open(libusb_device *dev, libusb_device_handle **dev_handle) {
  femu_lock();
  femu_ensure_initialized();
  int result = LIBUSB_SUCCESS;
  if (!femu_g.powered || dev->generation != femu_g.generation) {
    result = LIBUSB_ERROR_NO_DEVICE;
  } else if (femu_g.open_access_denied) {
    result = LIBUSB_ERROR_ACCESS; /* what usbfs reports without a udev rule */
  } else {
    libusb_device_handle *handle = calloc(1, sizeof *handle);
    if (handle == NULL) {
      result = LIBUSB_ERROR_NO_MEM;
    } else {
      handle->device = dev;
      handle->generation = femu_g.generation;
      handle->configuration = 1; /* the kernel configures the FT2232H on enumeration */
      dev->reference_count++;
      *dev_handle = handle;
    }
  }
  femu_unlock();
  return result;
}

libusb_device *LIBUSB_CALL libusb_get_device(libusb_device_handle *dev_handle) {
  return dev_handle->device;
}

void LIBUSB_CALL libusb_close(libusb_device_handle *dev_handle) {
  if (dev_handle == NULL) return;
  femu_lock();
  for (unsigned i = 0; i < FEMU_INTERFACE_COUNT; i++)
    if (femu_g.interfaces[i].claimed_by == dev_handle) femu_g.interfaces[i].claimed_by = NULL;
  libusb_device *device = dev_handle->device;
  femu_unlock();
  libusb_unref_device(device);
  free(dev_handle);
}

int LIBUSB_CALL libusb_get_configuration(libusb_device_handle *dev, int *config) {
  femu_lock();
  int result = femu_handle_alive(dev) ? LIBUSB_SUCCESS : LIBUSB_ERROR_NO_DEVICE;
  if (result == LIBUSB_SUCCESS) *config = dev->configuration;
  femu_unlock();
  return result;
}

int LIBUSB_CALL libusb_set_configuration(libusb_device_handle *dev, int configuration) {
  femu_lock();
  int result = LIBUSB_SUCCESS;
  if (!femu_handle_alive(dev)) result = LIBUSB_ERROR_NO_DEVICE;
  else if (configuration != 1 && configuration != -1 && configuration != 0) result = LIBUSB_ERROR_NOT_FOUND;
  else {
    dev->configuration = configuration < 0 ? 0 : configuration;
    femu_g.counters.control_transfers++; /* SET_CONFIGURATION is a control request */
    femu_clock_control_transfer();
  }
  femu_unlock();
  return result;
}

int LIBUSB_CALL libusb_claim_interface(libusb_device_handle *dev, int interface_number) {
  femu_lock();
  int result = LIBUSB_SUCCESS;
  if (!femu_handle_alive(dev)) result = LIBUSB_ERROR_NO_DEVICE;
  else if (interface_number < 0 || interface_number >= FEMU_INTERFACE_COUNT) result = LIBUSB_ERROR_NOT_FOUND;
  else {
    femu_interface *iface = &femu_g.interfaces[interface_number];
    if (iface->claimed_by != NULL && iface->claimed_by != dev) result = LIBUSB_ERROR_BUSY;
    else iface->claimed_by = dev;
  }
  femu_unlock();
  return result;
}

int LIBUSB_CALL libusb_release_interface(libusb_device_handle *dev, int interface_number) {
  femu_lock();
  int result = LIBUSB_SUCCESS;
  if (!femu_handle_alive(dev)) result = LIBUSB_ERROR_NO_DEVICE;
  else if (interface_number < 0 || interface_number >= FEMU_INTERFACE_COUNT ||
           femu_g.interfaces[interface_number].claimed_by != dev) result = LIBUSB_ERROR_NOT_FOUND;
  else femu_g.interfaces[interface_number].claimed_by = NULL;
  femu_unlock();
  return result;
}

/* No ftdi_sio driver is bound to an emulated device: libusb reports NOT_FOUND, which
 * libftdi1 tolerates (it only remembers errno for a later, better error message). */
int LIBUSB_CALL libusb_detach_kernel_driver(libusb_device_handle *dev, int interface_number) {
  (void)interface_number;
  femu_lock();
  int result = femu_handle_alive(dev) ? LIBUSB_ERROR_NOT_FOUND : LIBUSB_ERROR_NO_DEVICE;
  femu_unlock();
  return result;
}

int LIBUSB_CALL libusb_set_auto_detach_kernel_driver(libusb_device_handle *dev, int enable) {
  (void)enable;
  femu_lock();
  int result = femu_handle_alive(dev) ? LIBUSB_SUCCESS : LIBUSB_ERROR_NO_DEVICE;
  femu_unlock();
  return result;
}

/* Like libusb: two GET_DESCRIPTOR requests (language table, then the string), UTF-16LE
 * folded to ASCII ('?' for anything else), NUL-terminated; returns the length without NUL. */
int LIBUSB_CALL libusb_get_string_descriptor_ascii(libusb_device_handle *dev_handle,
                                                   uint8_t desc_index, unsigned char *data,
                                                   int length) {
  if (desc_index == 0) return LIBUSB_ERROR_INVALID_PARAM;
  femu_lock();
  if (!femu_handle_alive(dev_handle)) { femu_unlock(); return LIBUSB_ERROR_NO_DEVICE; }
  unsigned char raw[256];
  unsigned index = dev_handle->device->index;
  int size = femu_usb_get_descriptor(index, (uint16_t)(LIBUSB_DT_STRING << 8), 0, raw, sizeof raw);
  femu_g.counters.control_transfers++;
  femu_clock_control_transfer();
  if (size >= 4) {
    size = femu_usb_get_descriptor(index, (uint16_t)(LIBUSB_DT_STRING << 8 | desc_index),
                                   0x0409, raw, sizeof raw);
    femu_g.counters.control_transfers++;
    femu_clock_control_transfer();
  }
  femu_unlock();
  if (size < 0) return size;
  if (size < 2 || raw[1] != LIBUSB_DT_STRING) return LIBUSB_ERROR_IO;
  int out = 0;
  for (int i = 2; i + 1 < size && out < length - 1; i += 2)
    data[out++] = (raw[i + 1] || raw[i] & 0x80) ? '?' : raw[i];
  if (length > 0) data[out] = 0;
  return out;
}
