/*
 * libusb_control_transfer and libusb_bulk_transfer: the two synchronous paths libftdi1
 * uses (vendor requests for configuration; ftdi_write_data / ftdi_read_data for data).
 */
#include "usb_objects.h"

int femu_usb_bulk(struct libusb_device_handle *handle, unsigned char endpoint,
                  unsigned char *data, int length, int *transferred) {
  *transferred = 0;
  if (!femu_handle_alive(handle)) return LIBUSB_ERROR_NO_DEVICE;
  int interface_index = femu_interface_for_endpoint(endpoint);
  if (interface_index < 0) return LIBUSB_ERROR_NOT_FOUND;
  if (endpoint & LIBUSB_ENDPOINT_IN) return femu_ftdi_bulk_in((unsigned)interface_index, data, length, transferred);
  return femu_ftdi_bulk_out((unsigned)interface_index, data, length, transferred);
}

int LIBUSB_CALL libusb_bulk_transfer(libusb_device_handle *dev_handle, unsigned char endpoint,
                                     unsigned char *data, int length, int *actual_length,
                                     unsigned int timeout) {
  (void)timeout; /* the emulated chip answers at once in virtual time */
  int ignored;
  femu_lock();
  int result = femu_usb_bulk(dev_handle, endpoint, data, length, actual_length ? actual_length : &ignored);
  femu_unlock();
  return result;
}

int LIBUSB_CALL libusb_control_transfer(libusb_device_handle *dev_handle, uint8_t request_type,
                                        uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
                                        unsigned char *data, uint16_t wLength,
                                        unsigned int timeout) {
  (void)timeout;
  femu_lock();
  int result;
  if (!femu_handle_alive(dev_handle)) {
    result = LIBUSB_ERROR_NO_DEVICE;
  } else {
    femu_g.counters.control_transfers++;
    femu_clock_control_transfer();
    if ((request_type & 0x60) == LIBUSB_REQUEST_TYPE_VENDOR) {
      result = femu_ftdi_control(request_type, bRequest, wValue, wIndex, data, wLength);
    } else if (request_type == ((unsigned)LIBUSB_ENDPOINT_IN | (unsigned)LIBUSB_REQUEST_TYPE_STANDARD) &&
               bRequest == LIBUSB_REQUEST_GET_DESCRIPTOR) {
      result = femu_usb_get_descriptor(dev_handle->device->index, wValue, wIndex, data, wLength);
    } else {
      result = LIBUSB_ERROR_PIPE; /* anything else stalls */
    }
  }
  femu_unlock();
  return result;
}
