//go:build !purego

// classifyBlocks (nested_amd64.go): which bytes of each 64-byte block are
// quotes, backslashes and brackets, sixteen bytes per SSE2 comparison.

#include "textflag.h"

// SPLAT fills the sixteen bytes of xmm with the byte b.
#define SPLAT(b, xmm) MOVQ $(0x0101010101010101*b), AX; MOVQ AX, xmm; PUNPCKLQDQ xmm, xmm

// MARK sets AX to the 64 bits of (X0, X1, X2, X3) == pat, a byte each.
#define MARK(pat) \
	MOVO X0, X4; PCMPEQB pat, X4; PMOVMSKB X4, AX; \
	MOVO X1, X4; PCMPEQB pat, X4; PMOVMSKB X4, BX; SHLQ $16, BX; ORQ BX, AX; \
	MOVO X2, X4; PCMPEQB pat, X4; PMOVMSKB X4, BX; SHLQ $32, BX; ORQ BX, AX; \
	MOVO X3, X4; PCMPEQB pat, X4; PMOVMSKB X4, BX; SHLQ $48, BX; ORQ BX, AX

// BRACKETS sets BX to the bits of bytes of xmm that are '{', '}', '[' or
// ']' (with the 0x20 bit set, '[' and ']' are '{' and '}'), clobbering xmm.
#define BRACKETS(xmm) \
	POR X10, xmm; MOVO xmm, X4; PCMPEQB X11, X4; PCMPEQB X12, xmm; POR X4, xmm; PMOVMSKB xmm, BX

// func classifyBlocks(out []blockBits, buf []byte)
TEXT ·classifyBlocks(SB), NOSPLIT, $0-48
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ buf_base+24(FP), SI
	SPLAT(0x22, X8)  // '"'
	SPLAT(0x5c, X9)  // '\\'
	SPLAT(0x20, X10)
	SPLAT(0x7b, X11) // '{'
	SPLAT(0x7d, X12) // '}'
	TESTQ CX, CX
	JZ    done

loop:
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	MARK(X8)
	MOVQ AX, 0(DI)  // quotes
	MARK(X9)
	MOVQ AX, 8(DI)  // backslashes
	BRACKETS(X0)
	MOVQ BX, AX
	BRACKETS(X1)
	SHLQ $16, BX
	ORQ  BX, AX
	BRACKETS(X2)
	SHLQ $32, BX
	ORQ  BX, AX
	BRACKETS(X3)
	SHLQ $48, BX
	ORQ  BX, AX
	MOVQ AX, 16(DI) // brackets
	ADDQ $64, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  loop

done:
	RET
