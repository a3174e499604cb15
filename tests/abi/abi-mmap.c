// SPDX-License-Identifier: GPL-2.0
#include "abi.h"

int main(void)
{
	abi_init("abi-mmap");
	abi_skip("not written yet");
	return 0;
}
