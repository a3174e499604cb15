// SPDX-License-Identifier: GPL-2.0
#include "abi.h"

int main(void)
{
	abi_init("abi-compat32");
	abi_skip("not written yet");
	return 0;
}
