/* A growable byte FIFO: the FT2232H's TX buffer towards the host and the MPSSE command
 * bytes that arrived in one bulk OUT but complete in a later one. */
#include "femu_internal.h"

#include <stdlib.h>
#include <string.h>

static void make_room(femu_bytes *bytes, size_t extra) {
  if (bytes->start > 0 && bytes->start == bytes->length) bytes->start = bytes->length = 0;
  if (bytes->length + extra <= bytes->capacity) return;
  if (bytes->start > 0) { /* slide unread bytes to the front first */
    memmove(bytes->data, bytes->data + bytes->start, bytes->length - bytes->start);
    bytes->length -= bytes->start;
    bytes->start = 0;
    if (bytes->length + extra <= bytes->capacity) return;
  }
  size_t capacity = bytes->capacity ? bytes->capacity : 1024;
  while (capacity < bytes->length + extra) capacity *= 2;
  uint8_t *grown = realloc(bytes->data, capacity);
  if (grown == NULL) abort(); /* a test helper: running out of memory is fatal */
  bytes->data = grown;
  bytes->capacity = capacity;
}

void femu_bytes_append(femu_bytes *bytes, const uint8_t *data, size_t count) {
  if (count == 0) return;
  make_room(bytes, count);
  memcpy(bytes->data + bytes->length, data, count);
  bytes->length += count;
}

void femu_bytes_push(femu_bytes *bytes, uint8_t byte) { femu_bytes_append(bytes, &byte, 1); }

size_t femu_bytes_available(const femu_bytes *bytes) { return bytes->length - bytes->start; }

const uint8_t *femu_bytes_peek(const femu_bytes *bytes) { return bytes->data + bytes->start; }

void femu_bytes_consume(femu_bytes *bytes, size_t count) {
  size_t available = femu_bytes_available(bytes);
  bytes->start += count < available ? count : available;
  if (bytes->start == bytes->length) bytes->start = bytes->length = 0;
}

void femu_bytes_clear(femu_bytes *bytes) { bytes->start = bytes->length = 0; }

void femu_bytes_free(femu_bytes *bytes) {
  free(bytes->data);
  memset(bytes, 0, sizeof *bytes);
}
