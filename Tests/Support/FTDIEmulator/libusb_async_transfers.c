/*
 * The libusb asynchronous API as libftdi1 uses it (ftdi_write_data_submit,
 * ftdi_read_data_submit, ftdi_transfer_data_done, ftdi_transfer_data_cancel):
 * alloc -> fill (inline in libusb.h) -> submit -> handle_events* runs the callback, which may
 * resubmit -> free. Submitted transfers wait in a FIFO; each handle_events call completes
 * the transfers that were pending when it started, so a callback that resubmits does not
 * spin inside one call. Callbacks run without the emulator lock held.
 */
#include "usb_objects.h"

#include <stdlib.h>
#include <string.h>

/* Bookkeeping placed in front of each libusb_transfer, which must come last because it
 * ends in a flexible array of iso packet descriptors. */
typedef struct transfer_slot {
  struct transfer_slot *next;
  bool submitted;
  bool cancelled;
  uint64_t _align;
} transfer_slot;

static transfer_slot *queue_head, *queue_tail; /* guarded by the emulator lock */

static struct libusb_transfer *transfer_of(transfer_slot *slot) {
  return (struct libusb_transfer *)(slot + 1);
}
static transfer_slot *slot_of(struct libusb_transfer *transfer) {
  return (transfer_slot *)transfer - 1;
}

struct libusb_transfer *LIBUSB_CALL libusb_alloc_transfer(int iso_packets) {
  if (iso_packets < 0) return NULL;
  size_t size = sizeof(transfer_slot) + sizeof(struct libusb_transfer) +
                (size_t)iso_packets * sizeof(struct libusb_iso_packet_descriptor);
  transfer_slot *slot = calloc(1, size);
  if (slot == NULL) return NULL;
  transfer_of(slot)->num_iso_packets = iso_packets;
  return transfer_of(slot);
}

void LIBUSB_CALL libusb_free_transfer(struct libusb_transfer *transfer) {
  if (transfer == NULL) return;
  if ((transfer->flags & LIBUSB_TRANSFER_FREE_BUFFER) && transfer->buffer) free(transfer->buffer);
  free(slot_of(transfer));
}

int LIBUSB_CALL libusb_submit_transfer(struct libusb_transfer *transfer) {
  femu_lock();
  transfer_slot *slot = slot_of(transfer);
  int result = LIBUSB_SUCCESS;
  if (slot->submitted) result = LIBUSB_ERROR_BUSY;
  else if (!femu_handle_alive(transfer->dev_handle)) result = LIBUSB_ERROR_NO_DEVICE;
  else if (transfer->type != LIBUSB_TRANSFER_TYPE_BULK) result = LIBUSB_ERROR_NOT_SUPPORTED;
  else {
    slot->submitted = true;
    slot->cancelled = false;
    slot->next = NULL;
    if (queue_tail) queue_tail->next = slot; else queue_head = slot;
    queue_tail = slot;
  }
  femu_unlock();
  return result;
}

int LIBUSB_CALL libusb_cancel_transfer(struct libusb_transfer *transfer) {
  femu_lock();
  transfer_slot *slot = slot_of(transfer);
  int result = LIBUSB_SUCCESS;
  if (!slot->submitted || slot->cancelled) result = LIBUSB_ERROR_NOT_FOUND;
  else slot->cancelled = true;
  femu_unlock();
  return result;
}

/* Runs one transfer on the emulated device (lock held) and sets status/actual_length. */
static void perform(transfer_slot *slot) {
  struct libusb_transfer *transfer = transfer_of(slot);
  transfer->actual_length = 0;
  if (slot->cancelled) { transfer->status = LIBUSB_TRANSFER_CANCELLED; return; }
  int result = femu_usb_bulk(transfer->dev_handle, transfer->endpoint, transfer->buffer,
                             transfer->length, &transfer->actual_length);
  if (result == LIBUSB_ERROR_NO_DEVICE) transfer->status = LIBUSB_TRANSFER_NO_DEVICE;
  else if (result < 0) transfer->status = LIBUSB_TRANSFER_ERROR;
  else if ((transfer->flags & LIBUSB_TRANSFER_SHORT_NOT_OK) && transfer->actual_length < transfer->length)
    transfer->status = LIBUSB_TRANSFER_ERROR;
  else transfer->status = LIBUSB_TRANSFER_COMPLETED;
}

static int handle_pending(int *completed) {
  femu_lock();
  if (completed != NULL && *completed) { femu_unlock(); return LIBUSB_SUCCESS; }
  transfer_slot *batch = queue_head; /* take what is pending now; resubmissions wait */
  queue_head = queue_tail = NULL;
  femu_unlock();

  while (batch != NULL) {
    femu_lock();
    transfer_slot *slot = batch;
    batch = slot->next;
    perform(slot);
    slot->submitted = false;
    slot->next = NULL;
    femu_unlock();
    struct libusb_transfer *transfer = transfer_of(slot);
    bool free_after = transfer->flags & LIBUSB_TRANSFER_FREE_TRANSFER;
    if (transfer->callback) transfer->callback(transfer);
    if (free_after) libusb_free_transfer(transfer);
  }
  return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_handle_events_timeout_completed(libusb_context *ctx, struct timeval *tv,
                                                       int *completed) {
  (void)ctx;
  (void)tv;
  return handle_pending(completed);
}

int LIBUSB_CALL libusb_handle_events_timeout(libusb_context *ctx, struct timeval *tv) {
  (void)ctx;
  (void)tv;
  return handle_pending(NULL);
}

int LIBUSB_CALL libusb_handle_events(libusb_context *ctx) {
  (void)ctx;
  return handle_pending(NULL);
}

int LIBUSB_CALL libusb_handle_events_completed(libusb_context *ctx, int *completed) {
  (void)ctx;
  return handle_pending(completed);
}
