/* SPDX-License-Identifier: GPL-2.0 */
/* kthread_run() as a detached pthread; the tests wait on completions. */
#ifndef _SHIM_LINUX_KTHREAD_H
#define _SHIM_LINUX_KTHREAD_H

#include <pthread.h>
#include <stdlib.h>
#include <linux/err.h>
#include <linux/completion.h>
#include <linux/errno.h>

struct task_struct;

struct shim_kthread {
	int (*fn)(void *data);
	void *data;
};

static inline void *shim_kthread_main(void *arg)
{
	struct shim_kthread k = *(struct shim_kthread *)arg;

	free(arg);
	k.fn(k.data);
	return NULL;
}

static inline struct task_struct *shim_kthread_run(int (*fn)(void *),
						   void *data)
{
	struct shim_kthread *k = malloc(sizeof(*k));
	pthread_t tid;

	if (!k)
		return ERR_PTR(-ENOMEM);
	k->fn = fn;
	k->data = data;
	if (pthread_create(&tid, NULL, shim_kthread_main, k)) {
		free(k);
		return ERR_PTR(-EAGAIN);
	}
	pthread_detach(tid);
	return (struct task_struct *)&shim_kthread_main; /* a non-error cookie */
}

#define kthread_run(fn, data, namefmt, ...)	shim_kthread_run(fn, data)

static inline void __attribute__((noreturn))
kthread_complete_and_exit(struct completion *done, long code)
{
	complete(done);
	pthread_exit(NULL);
}

#endif
