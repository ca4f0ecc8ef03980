// Start-up for Cortex-M (armv7em) management cores: the vector table the core reads at
// reset (initial stack pointer, reset handler), then .bss zeroed, .data copied from its load
// address and the Swift entry.
    .syntax unified
    .thumb
    .section .text.start, "ax"
    .global __vectors
__vectors:
    .word   __stack_top
    .word   _start
    .global _start
    .type _start, %function
    .thumb_func
_start:
    ldr     r0, =__stack_top
    mov     sp, r0
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    movs    r2, #0
1:  cmp     r0, r1
    bhs     2f
    str     r2, [r0], #4
    b       1b
2:  ldr     r0, =__data_start
    ldr     r1, =__data_end
    ldr     r2, =__data_load
3:  cmp     r0, r1
    bhs     4f
    ldr     r3, [r2], #4
    str     r3, [r0], #4
    b       3b
4:  bl      strata_main
5:  wfi
    b       5b
    .size _start, . - _start
    .ltorg
