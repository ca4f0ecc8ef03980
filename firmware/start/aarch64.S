// Start-up for aarch64 management cores: stack, FP/SIMD access at EL1, .bss zeroed, .data
// copied from its load address, then the Swift entry. Symbols come from the generated
// linker script (strata firmware).
    .section .text.start, "ax"
    .global _start
    .type _start, %function
_start:
    ldr     x0, =__stack_top
    mov     sp, x0
    // Swift code uses SIMD registers: at EL1 they trap until CPACR_EL1.FPEN = 0b11.
    mrs     x1, CurrentEL
    cmp     x1, #(1 << 2)
    b.ne    1f
    mov     x1, #(3 << 20)
    msr     cpacr_el1, x1
    isb
1:  ldr     x0, =__bss_start
    ldr     x1, =__bss_end
2:  cmp     x0, x1
    b.hs    3f
    str     xzr, [x0], #8
    b       2b
3:  ldr     x0, =__data_start
    ldr     x1, =__data_end
    ldr     x2, =__data_load
4:  cmp     x0, x1
    b.hs    5f
    ldr     x3, [x2], #8
    str     x3, [x0], #8
    b       4b
5:  bl      strata_main
6:  wfi
    b       6b
    .size _start, . - _start
