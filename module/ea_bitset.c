// SPDX-License-Identifier: GPL-2.0
/*
 * The bitset: an optional array of bits beside the arena, for programs
 * that keep their own maps (a free list of their own, a mark phase). It
 * is the kernel's bitmap API and nothing more.
 *
 * Invariants: bits at and past bitset_bits are never set.
 * Locking: the instance lock serialises the bitset, so the non-atomic
 * __set_bit() and __clear_bit() suffice.
 */

/* Check that there is a bitset and that @bit (< @limit) is in it. */
static int ea_bit_check(struct ea_instance *inst, u32 bit, u64 limit)
{
	struct ea_req req = { .offset = bit, .cls = EA_NO_CLASS };

	lockdep_assert_held(&inst->lock);
	inst->op = EA_OP_BIT;
	if (!inst->bitset)
		return ea_refuse(inst, &req, EA_ERR_NO_BITSET);
	if (bit >= limit)
		return ea_refuse(inst, &req, EA_ERR_BAD_BIT);
	return 0;
}

enum ea_bit_op { EA_BIT_SET, EA_BIT_CLEAR, EA_BIT_GET };

/* One bit set, cleared or read under the lock, once it is checked. */
static int ea_bit_op(struct ea_instance *inst, u32 bit, enum ea_bit_op op)
{
	int ret;

	spin_lock(&inst->lock);
	ret = ea_bit_check(inst, bit, inst->bitset_bits);
	if (!ret) {
		switch (op) {
		case EA_BIT_SET:
			__set_bit(bit, inst->bitset);
			break;
		case EA_BIT_CLEAR:
			__clear_bit(bit, inst->bitset);
			break;
		case EA_BIT_GET:
			ret = test_bit(bit, inst->bitset);
			break;
		}
	}
	spin_unlock(&inst->lock);
	return ret;
}

/**
 * ea_bit_set() - set a bit of the bitset
 * @inst: instance
 * @bit: index, below the instance's bitset_bits
 *
 * Context: Process context; takes the instance lock.
 * Return: 0; -EOPNOTSUPP without a bitset; -EINVAL out of range.
 */
int ea_bit_set(struct ea_instance *inst, u32 bit)
{
	return ea_bit_op(inst, bit, EA_BIT_SET);
}

/**
 * ea_bit_clear() - clear a bit of the bitset
 * @inst: instance
 * @bit: index, below the instance's bitset_bits
 *
 * Context: Process context; takes the instance lock.
 * Return: as ea_bit_set().
 */
int ea_bit_clear(struct ea_instance *inst, u32 bit)
{
	return ea_bit_op(inst, bit, EA_BIT_CLEAR);
}

/**
 * ea_bit_get() - read a bit of the bitset
 * @inst: instance
 * @bit: index, below the instance's bitset_bits
 *
 * Context: Process context; takes the instance lock.
 * Return: 0 or 1; the errors of ea_bit_set().
 */
int ea_bit_get(struct ea_instance *inst, u32 bit)
{
	return ea_bit_op(inst, bit, EA_BIT_GET);
}

/**
 * ea_bit_find() - find the first set bit at or after an index
 * @inst: instance
 * @from: where to start; bitset_bits itself is allowed (and finds nothing)
 * @found: the index found
 *
 * Context: Process context; takes the instance lock.
 * Return: 0; -ENOENT if no bit is set from @from on (an answer, not an
 * error: nothing is counted); -EOPNOTSUPP without a bitset; -EINVAL if
 * @from is past bitset_bits.
 */
int ea_bit_find(struct ea_instance *inst, u32 from, u32 *found)
{
	unsigned long bit;
	int ret;

	spin_lock(&inst->lock);
	ret = ea_bit_check(inst, from, (u64)inst->bitset_bits + 1);
	if (!ret) {
		bit = find_next_bit(inst->bitset, inst->bitset_bits, from);
		if (bit < inst->bitset_bits)
			*found = bit;
		else
			ret = -ENOENT;
	}
	spin_unlock(&inst->lock);
	return ret;
}

/**
 * ea_bit_clear_all() - clear the whole bitset
 * @inst: instance
 *
 * Context: Process context; takes the instance lock.
 * Return: 0, or -EOPNOTSUPP without a bitset.
 */
int ea_bit_clear_all(struct ea_instance *inst)
{
	int ret;

	spin_lock(&inst->lock);
	ret = ea_bit_check(inst, 0, 1);
	if (!ret)
		bitmap_zero(inst->bitset, inst->bitset_bits);
	spin_unlock(&inst->lock);
	return ret;
}
