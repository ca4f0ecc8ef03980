/*
 * The opaque libusb objects, as this emulator defines them. libusb.h only declares
 * these structs; whoever defines the functions owns their layout. libftdi1 never looks inside.
 */
#ifndef FEMU_USB_OBJECTS_H
#define FEMU_USB_OBJECTS_H

#include "femu_internal.h"

#include <libusb-1.0/libusb.h>

struct libusb_context {
  unsigned magic;
};

struct libusb_device {
  unsigned reference_count;
  unsigned index;          /* 0-based position among config.device_count */
  uint64_t generation;     /* emulator generation it was enumerated in */
};

struct libusb_device_handle {
  struct libusb_device *device;
  uint64_t generation;
  int configuration;
};

/* True when the handle still talks to a powered device of the current generation. */
bool femu_handle_alive(const struct libusb_device_handle *handle);

/* Performs one bulk transfer on the emulated chip (lock held). Returns a libusb error code. */
int femu_usb_bulk(struct libusb_device_handle *handle, unsigned char endpoint,
                  unsigned char *data, int length, int *transferred);

/* Fills the standard device descriptor for device `index`. */
void femu_usb_device_descriptor(unsigned index, struct libusb_device_descriptor *descriptor);
/* Serves a standard GET_DESCRIPTOR control request; returns bytes or a libusb error. */
int femu_usb_get_descriptor(unsigned device_index, uint16_t value, uint16_t language,
                            unsigned char *data, uint16_t length);

#endif
