#include "edualloc.h"

int main() {
    // Create allocator with 1MB capacity
    allocator_t* alloc = allocator_create(1024 * 1024, 1); // Enable bitset
    
    // Allocate some memory
    void* ptr1 = allocator_malloc(alloc, 64);
    void* ptr2 = allocator_malloc(alloc, 128);
    
    // Use the memory
    strcpy((char*)ptr1, "Hello World!");
    printf("Stored: %s\\n", (char*)ptr1);
    
    // Get allocation ID (educational feature)
    int id = allocator_get_id(alloc, ptr1);
    printf("Allocation ID: %d\\n", id);
    
    // Use bitset features
    allocator_set_bit(alloc, 42, 1);
    printf("Bit 42: %d\\n", allocator_get_bit(alloc, 42));
    
    // Check statistics
    allocator_print_stats(alloc);
    
    // Clean up
    allocator_free(alloc, ptr1);
    allocator_free(alloc, ptr2);
    allocator_destroy(alloc);
    
    return 0;
}
