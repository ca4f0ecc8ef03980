// Start-up for riscv32 management cores: stack, global pointer, .bss zeroed, .data copied
// from its load address, then the Swift entry.
    .section .text.start, "ax"
    .global _start
    .type _start, %function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  la      t0, __data_start
    la      t1, __data_end
    la      t2, __data_load
3:  bgeu    t0, t1, 4f
    lw      t3, 0(t2)
    sw      t3, 0(t0)
    addi    t0, t0, 4
    addi    t2, t2, 4
    j       3b
4:  call    strata_main
5:  wfi
    j       5b
    .size _start, . - _start
