// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 3, part E (not graded): a use after free, from C.
 *
 * Build it on the host, next to this file, and run it in the VM:
 *   cc -static -I userspace/lib -o LAB/uaf LAB/uaf.c userspace/build/libedualloc.a
 *   (in the VM)  /host/LAB/uaf; edualloc log -n 8
 */
#include <edualloc.h>

int main(void)
{
	allocator_t *a = allocator_create(1 << 20, 0);
	char *name, *other;

	if (!a) {
		perror("allocator_create");
		return 1;
	}
	name = allocator_malloc(a, 40);
	strcpy(name, "a name that lives on the heap");
	printf("ID %d holds \"%s\"\n", allocator_get_id(a, name), name);
	allocator_free(a, name);

	name[0] = 'A';		/* the bug: a write through a dangling pointer */

	other = allocator_malloc(a, 40);	/* the same class: the same slot? */
	printf("the next 40-byte block is %s the freed one\n",
	       other == name ? "at the same address as" : "elsewhere than");
	allocator_print_stats(a);	/* look at "Errors caught" */
	allocator_free(a, other);
	allocator_destroy(a);
	return 0;
}
