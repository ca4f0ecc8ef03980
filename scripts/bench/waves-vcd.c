/* Writes a VCD of a busy design until it reaches a given size: a clock (period 10 ns), a 32-bit
 * cycle counter, sixteen 16-bit buses driven by xorshift generators that change every cycle, a
 * 256-bit bus that changes every 8 cycles and a 2-bit state. Used by scripts/bench/waves.
 *   waves-vcd OUT.vcd MEGABYTES      prints "cycles: N" and "last_time: T" */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static char *bits(char *out, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) *out++ = (value >> i) & 1 ? '1' : '0';
  return out;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s OUT.vcd MEGABYTES\n", argv[0]); return 2; }
  FILE *f = fopen(argv[1], "w");
  if (!f) { perror(argv[1]); return 1; }
  static char buffer[1 << 20];
  setvbuf(f, buffer, _IOFBF, sizeof buffer);
  uint64_t limit = strtoull(argv[2], 0, 10) << 20;
  fprintf(f, "$date today $end\n$version strata waves-vcd $end\n$timescale 1ns $end\n$scope module top $end\n");
  fprintf(f, "$var wire 1 ! clk $end\n$var wire 32 \" count [31:0] $end\n$var wire 2 # state [1:0] $end\n");
  fprintf(f, "$var wire 256 $ wide [255:0] $end\n$scope module lanes $end\n");
  for (int i = 0; i < 16; ++i) fprintf(f, "$var wire 16 %c%c bus%d [15:0] $end\n", 'a' + i, 'A' + i, i);
  fprintf(f, "$upscope $end\n$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n0!\nb0 \"\nb0 #\nb0 $\n");
  for (int i = 0; i < 16; ++i) fprintf(f, "b0 %c%c\n", 'a' + i, 'A' + i);
  fprintf(f, "$end\n");
  uint64_t state[16];
  for (int i = 0; i < 16; ++i) state[i] = 0x9E3779B97F4A7C15ull * (i + 1);
  char line[512];
  uint64_t cycle = 0, time = 0;
  while ((uint64_t)ftell(f) < limit) {
    time = cycle * 10 + 5;
    fprintf(f, "#%llu\n1!\n", (unsigned long long)time);
    char *p = line;
    *p++ = 'b';
    p = bits(p, cycle + 1, 32);
    p += sprintf(p, " \"\n");
    fwrite(line, 1, p - line, f);
    for (int i = 0; i < 16; ++i) {
      state[i] ^= state[i] << 13; state[i] ^= state[i] >> 7; state[i] ^= state[i] << 17;
      p = line;
      *p++ = 'b';
      p = bits(p, state[i] & 0xffff, 16);
      p += sprintf(p, " %c%c\n", 'a' + i, 'A' + i);
      fwrite(line, 1, p - line, f);
    }
    if (cycle % 8 == 0) {
      p = line;
      *p++ = 'b';
      for (int w = 0; w < 4; ++w) p = bits(p, state[w], 64);
      p += sprintf(p, " $\n");
      fwrite(line, 1, p - line, f);
    }
    if (cycle % 5 == 0) fprintf(f, "b%d%d #\n", (int)((cycle / 5) >> 1) & 1, (int)(cycle / 5) & 1);
    fprintf(f, "#%llu\n0!\n", (unsigned long long)(time + 5));
    ++cycle;
  }
  fclose(f);
  printf("cycles: %llu\nlast_time: %llu\n", (unsigned long long)cycle, (unsigned long long)(time + 5));
  return 0;
}
