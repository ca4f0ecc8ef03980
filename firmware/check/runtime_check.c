// Host check of the firmware's C run-time (runtime.c) and 64-bit helpers (builtins32.c),
// compiled for the host with their symbols renamed (see FirmwareRuntimeTests.swift): the
// helpers against the host's native 64-bit arithmetic, the heap under random allocation and
// release (alignment, no overlap, contents kept, everything merged back when all is freed).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int fw_posix_memalign(void **out, size_t alignment, size_t size);
void fw_free(void *p);
uint64_t fw_udivdi3(uint64_t, uint64_t);
uint64_t fw_umoddi3(uint64_t, uint64_t);
int64_t fw_divdi3(int64_t, int64_t);
int64_t fw_moddi3(int64_t, int64_t);
uint64_t fw_muldi3(uint64_t, uint64_t);
uint64_t fw_ashldi3(uint64_t, int);
uint64_t fw_lshrdi3(uint64_t, int);
int64_t fw_ashrdi3(int64_t, int);

// The linker script's symbols, here around a static array.
_Alignas(64) char heap[1 << 16];
__asm__(".globl __heap_start\n.set __heap_start, heap\n.globl __heap_end\n.set __heap_end, heap + 65536");

static uint64_t state = 0x9E3779B97F4A7C15u;
static uint64_t next(void) {  // splitmix64
  uint64_t z = (state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; if (failures < 10) { printf(__VA_ARGS__); printf("\n"); } } } while (0)

int main(void) {
  for (int i = 0; i < 200000; i++) {
    uint64_t a = next() >> (next() % 64), b = next() >> (next() % 64);
    int s = (int)(next() % 64);
    if (b) {
      CHECK(fw_udivdi3(a, b) == a / b, "udiv %llu / %llu", (unsigned long long)a, (unsigned long long)b);
      CHECK(fw_umoddi3(a, b) == a % b, "umod");
      int64_t sa = (int64_t)a * ((next() & 1) ? -1 : 1), sb = (int64_t)b * ((next() & 1) ? -1 : 1);
      if (!(sa == INT64_MIN && sb == -1)) {
        CHECK(fw_divdi3(sa, sb) == sa / sb, "sdiv %lld / %lld", (long long)sa, (long long)sb);
        CHECK(fw_moddi3(sa, sb) == sa % sb, "smod");
      }
    }
    CHECK(fw_muldi3(a, b) == a * b, "mul");
    CHECK(fw_ashldi3(a, s) == a << s, "shl %d", s);
    CHECK(fw_lshrdi3(a, s) == a >> s, "lshr %d", s);
    CHECK(fw_ashrdi3((int64_t)a | INT64_MIN, s) == ((int64_t)a | INT64_MIN) >> s, "ashr %d", s);
  }

  enum { N = 64 };
  int allocations = 0;
  struct { unsigned char *p; size_t n, align; unsigned char fill; } live[N] = {0};
  for (int step = 0; step < 20000; step++) {
    int k = (int)(next() % N);
    if (live[k].p) {
      for (size_t i = 0; i < live[k].n; i++) CHECK(live[k].p[i] == live[k].fill, "block %d lost its contents", k);
      fw_free(live[k].p);
      live[k].p = 0;
      continue;
    }
    size_t n = 1 + next() % 1500, align = (size_t)1 << (next() % 8);
    void *p;
    if (fw_posix_memalign(&p, align, n) != 0) continue;  // full for now: fine, others will free
    allocations++;
    CHECK((uintptr_t)p % align == 0, "alignment %zu", align);
    CHECK((char *)p >= heap && (char *)p + n <= heap + sizeof heap, "outside the heap");
    for (int j = 0; j < N; j++)
      if (live[j].p) CHECK((unsigned char *)p + n <= live[j].p || live[j].p + live[j].n <= (unsigned char *)p, "overlap");
    live[k].p = p; live[k].n = n; live[k].align = align; live[k].fill = (unsigned char)next();
    memset(p, live[k].fill, n);
  }
  for (int k = 0; k < N; k++) if (live[k].p) fw_free(live[k].p);
  // Everything merged back: one allocation of nearly the whole heap succeeds again.
  void *all;
  CHECK(fw_posix_memalign(&all, 16, sizeof heap - 64) == 0, "the heap did not merge back whole");
  CHECK(allocations > 5000, "only %d allocations succeeded", allocations);
  printf(failures ? "FAILED %d\n" : "ok\n", failures);
  return failures != 0;
}
