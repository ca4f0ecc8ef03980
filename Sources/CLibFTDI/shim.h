// The C boundary of the Flash target: libftdi1 (and the libusb-1.0 types it exposes).
// pkg-config libftdi1 supplies -I/usr/include/libftdi1 -I/usr/include/libusb-1.0.
#ifndef STRATA_CLIBFTDI_SHIM_H
#define STRATA_CLIBFTDI_SHIM_H
#include <ftdi.h>
#include <libusb.h>
#endif
