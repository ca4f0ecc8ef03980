// __aeabi_uldivmod and __aeabi_ldivmod (ARM run-time ABI, IHI 0043 §4.2): the quotient
// returns in r0:r1 and the remainder in r2:r3, which C cannot express, so these wrappers
// call the C division with a pointer to a stack slot for the remainder.
    .syntax unified
    .thumb
    .text
    .global __aeabi_uldivmod
    .type __aeabi_uldivmod, %function
    .thumb_func
__aeabi_uldivmod:
    push    {r4, lr}
    sub     sp, sp, #16
    add     r4, sp, #8
    str     r4, [sp]
    bl      __strata_udivmoddi4
    ldr     r2, [sp, #8]
    ldr     r3, [sp, #12]
    add     sp, sp, #16
    pop     {r4, pc}

    .global __aeabi_ldivmod
    .type __aeabi_ldivmod, %function
    .thumb_func
__aeabi_ldivmod:
    push    {r4, lr}
    sub     sp, sp, #16
    add     r4, sp, #8
    str     r4, [sp]
    bl      __strata_divmoddi4
    ldr     r2, [sp, #8]
    ldr     r3, [sp, #12]
    add     sp, sp, #16
    pop     {r4, pc}
