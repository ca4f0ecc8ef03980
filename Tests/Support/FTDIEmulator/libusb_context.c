/*
 * libusb_init / libusb_exit / libusb_error_name. Host-side calls: they keep working while
 * the emulated device is unpowered, as they do on a real host when a cable is pulled.
 */
#include "usb_objects.h"

#include <stdlib.h>

static struct libusb_context default_context = {0x46454D55}; /* "FEMU" */

int LIBUSB_CALL libusb_init(libusb_context **ctx) {
  femu_lock();
  femu_ensure_initialized();
  femu_unlock();
  if (ctx == NULL) return LIBUSB_SUCCESS; /* the default context */
  libusb_context *context = calloc(1, sizeof *context);
  if (context == NULL) return LIBUSB_ERROR_NO_MEM;
  context->magic = default_context.magic;
  *ctx = context;
  return LIBUSB_SUCCESS;
}

void LIBUSB_CALL libusb_exit(libusb_context *ctx) {
  if (ctx != NULL && ctx != &default_context) free(ctx);
}

const char *LIBUSB_CALL libusb_strerror(int errcode) {
  return libusb_error_name(errcode);
}

const char *LIBUSB_CALL libusb_error_name(int errcode) {
  switch (errcode) {
    case LIBUSB_SUCCESS: return "LIBUSB_SUCCESS / LIBUSB_TRANSFER_COMPLETED";
    case LIBUSB_ERROR_IO: return "LIBUSB_ERROR_IO";
    case LIBUSB_ERROR_INVALID_PARAM: return "LIBUSB_ERROR_INVALID_PARAM";
    case LIBUSB_ERROR_ACCESS: return "LIBUSB_ERROR_ACCESS";
    case LIBUSB_ERROR_NO_DEVICE: return "LIBUSB_ERROR_NO_DEVICE";
    case LIBUSB_ERROR_NOT_FOUND: return "LIBUSB_ERROR_NOT_FOUND";
    case LIBUSB_ERROR_BUSY: return "LIBUSB_ERROR_BUSY";
    case LIBUSB_ERROR_TIMEOUT: return "LIBUSB_ERROR_TIMEOUT";
    case LIBUSB_ERROR_OVERFLOW: return "LIBUSB_ERROR_OVERFLOW";
    case LIBUSB_ERROR_PIPE: return "LIBUSB_ERROR_PIPE";
    case LIBUSB_ERROR_INTERRUPTED: return "LIBUSB_ERROR_INTERRUPTED";
    case LIBUSB_ERROR_NO_MEM: return "LIBUSB_ERROR_NO_MEM";
    case LIBUSB_ERROR_NOT_SUPPORTED: return "LIBUSB_ERROR_NOT_SUPPORTED";
    case LIBUSB_ERROR_OTHER: return "LIBUSB_ERROR_OTHER";
    default: return "**UNKNOWN**";
  }
}
