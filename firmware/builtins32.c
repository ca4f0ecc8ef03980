// The compiler's 64-bit integer helpers for 32-bit cores (the subset of compiler-rt's
// builtins that Embedded Swift code calls; the toolchain ships no bare-metal compiler-rt).
// Built with -O2 and -fno-builtin so none of them is compiled into a call to itself.
#include <stddef.h>
#include <stdint.h>

typedef union {
  uint64_t all;
  struct { uint32_t low, high; } s;  // little-endian cores only
} Words;

uint64_t __ashldi3(uint64_t a, int b) {
  Words x = {a}, r;
  if (b == 0) return a;
  if (b >= 32) { r.s.low = 0; r.s.high = x.s.low << (b - 32); }
  else { r.s.low = x.s.low << b; r.s.high = (x.s.high << b) | (x.s.low >> (32 - b)); }
  return r.all;
}

uint64_t __lshrdi3(uint64_t a, int b) {
  Words x = {a}, r;
  if (b == 0) return a;
  if (b >= 32) { r.s.high = 0; r.s.low = x.s.high >> (b - 32); }
  else { r.s.high = x.s.high >> b; r.s.low = (x.s.low >> b) | (x.s.high << (32 - b)); }
  return r.all;
}

int64_t __ashrdi3(int64_t a, int b) {
  Words x = {(uint64_t)a}, r;
  if (b == 0) return a;
  if (b >= 32) { r.s.high = (uint32_t)((int32_t)x.s.high >> 31); r.s.low = (uint32_t)((int32_t)x.s.high >> (b - 32)); }
  else { r.s.high = (uint32_t)((int32_t)x.s.high >> b); r.s.low = (x.s.low >> b) | (x.s.high << (32 - b)); }
  return (int64_t)r.all;
}

// Restoring division, one quotient bit per step; only shifts by one, which compile inline.
uint64_t __strata_udivmoddi4(uint64_t n, uint64_t d, uint64_t *remainder) {
  uint64_t q = 0, r = 0;
  if (d == 0) {  // as compiler-rt: undefined; a core without a trap gets all ones
    if (remainder) *remainder = n;
    return ~(uint64_t)0;
  }
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> 63) & 1);
    n <<= 1;
    q <<= 1;
    if (r >= d) { r -= d; q |= 1; }
  }
  if (remainder) *remainder = r;
  return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __strata_udivmoddi4(n, d, 0); }

uint64_t __umoddi3(uint64_t n, uint64_t d) {
  uint64_t r;
  __strata_udivmoddi4(n, d, &r);
  return r;
}

int64_t __strata_divmoddi4(int64_t n, int64_t d, int64_t *remainder) {
  uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
  uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
  uint64_t ur;
  uint64_t uq = __strata_udivmoddi4(un, ud, &ur);
  if (remainder) *remainder = n < 0 ? -(int64_t)ur : (int64_t)ur;
  return (n < 0) != (d < 0) ? -(int64_t)uq : (int64_t)uq;
}

int64_t __divdi3(int64_t n, int64_t d) { return __strata_divmoddi4(n, d, 0); }

int64_t __moddi3(int64_t n, int64_t d) {
  int64_t r;
  __strata_divmoddi4(n, d, &r);
  return r;
}

uint64_t __muldi3(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  while (b) {
    if (b & 1) r += a;
    a <<= 1;
    b >>= 1;
  }
  return r;
}

#if defined(__arm__)
// ARM run-time ABI (IHI 0043) names: memory helpers take (dest, n, value) in that order.
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
void __aeabi_memcpy(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy4(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy8(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memmove(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove4(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove8(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memset(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset4(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset8(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memclr(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr8(void *d, size_t n) { memset(d, 0, n); }
uint64_t __aeabi_llsl(uint64_t a, int b) { return __ashldi3(a, b); }
uint64_t __aeabi_llsr(uint64_t a, int b) { return __lshrdi3(a, b); }
int64_t __aeabi_lasr(int64_t a, int b) { return __ashrdi3(a, b); }
uint64_t __aeabi_lmul(uint64_t a, uint64_t b) { return __muldi3(a, b); }
#endif
