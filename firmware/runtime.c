// The few C library functions Embedded Swift code calls on a bare-metal core: memory
// primitives and a heap (posix_memalign/free) over the RAM between the end of .bss and the
// cluster region below the stack, from the linker script's __heap_start and __heap_end.
//
// The heap is a first-fit free list kept in address order, merging neighbours on free, so
// memory the firmware releases is reused (drivers run for as long as the board is up).
#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

extern char __heap_start[], __heap_end[];

// Every block starts with this header; `size` counts the whole block, header included.
typedef struct Block {
  size_t size;
  struct Block *next;  // only meaningful while the block is free
} Block;

enum { kGranule = 16, kHeader = (sizeof(Block) + kGranule - 1) / kGranule * kGranule };

static Block *freeList;
static int heapReady;

static void heapInit(void) {
  uintptr_t start = ((uintptr_t)__heap_start + kGranule - 1) & ~(uintptr_t)(kGranule - 1);
  uintptr_t end = (uintptr_t)__heap_end & ~(uintptr_t)(kGranule - 1);
  heapReady = 1;
  if (end <= start + kHeader) return;
  freeList = (Block *)start;
  freeList->size = end - start;
  freeList->next = 0;
}

// The pointer handed out sits `kHeader` bytes after its block, or further for larger
// alignments; the word before it holds the distance back to the block.
int posix_memalign(void **out, size_t alignment, size_t size) {
  if (!heapReady) heapInit();
  if (alignment < kGranule) alignment = kGranule;
  if (alignment & (alignment - 1)) return 22;  // EINVAL
  size_t need = kHeader + (alignment - kGranule) + ((size + kGranule - 1) & ~(size_t)(kGranule - 1));
  for (Block **link = &freeList; *link; link = &(*link)->next) {
    Block *b = *link;
    if (b->size < need) continue;
    if (b->size - need >= kHeader + kGranule) {  // split: the tail stays free
      Block *rest = (Block *)((char *)b + need);
      rest->size = b->size - need;
      rest->next = b->next;
      b->size = need;
      *link = rest;
    } else {
      *link = b->next;
    }
    uintptr_t p = ((uintptr_t)b + kHeader + alignment - 1) & ~(uintptr_t)(alignment - 1);
    ((size_t *)p)[-1] = p - (uintptr_t)b;
    *out = (void *)p;
    return 0;
  }
  return 12;  // ENOMEM
}

void free(void *p) {
  if (!p) return;
  Block *b = (Block *)((char *)p - ((size_t *)p)[-1]);
  Block **link = &freeList;
  while (*link && *link < b) link = &(*link)->next;
  b->next = *link;
  *link = b;
  if (b->next && (char *)b + b->size == (char *)b->next) {  // merge with the next
    b->size += b->next->size;
    b->next = b->next->next;
  }
  Block *prev = (link == &freeList) ? 0 : (Block *)((char *)link - offsetof(Block, next));
  if (prev && (char *)prev + prev->size == (char *)b) {  // merge with the previous
    prev->size += b->size;
    prev->next = b->next;
  }
}
