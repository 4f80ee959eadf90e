/*
 * index_queue.h — articles' search parts handed from the rendering
 * threads to the one thread that writes kb.db.
 *
 * One slot per article, in site order; the writer takes them in that
 * order, so row ids never depend on which thread rendered what. A
 * renderer waits while the parts not yet taken hold INDEX_QUEUE_BYTES of
 * text, which bounds memory; the window is large enough that renderers
 * do not stall while the writer puts one batch into FTS5. The article the
 * writer waits for is never held back.
 */
#ifndef KB_INDEX_QUEUE_H
#define KB_INDEX_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "content/markdown.h"
#include "content/site.h"
#include "db/index.h"

#define INDEX_QUEUE_BYTES (8u << 20)

/* One article's parts. */
struct index_slot {
	bool ready;
	struct index_part *parts;
	size_t count;
	size_t bytes;		/* their text */
};

struct index_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct index_slot *slots;	/* by article order */
	size_t article_count;
	size_t consumed;		/* slots taken by the writer */
	size_t pending_bytes;		/* text in ready slots not yet taken */
	bool closed;			/* no more slots will be filled */
};

/* An empty queue for article_count articles; release with
 * index_queue_free. */
void index_queue_init(struct index_queue *queue, size_t article_count);

/* Fits render_context.article_parsed (user is the queue): makes the
 * article's parts from its document and queues them, waiting while the
 * window is full. Runs in a rendering thread. */
void index_queue_put(void *user, const struct article *article,
		     cmark_node *document);

/* Takes article i's parts into *out, waiting for them; the caller then
 * owns out->parts (index_parts_free). False when the queue was closed
 * before they came (the renderers stopped). */
bool index_queue_take(struct index_queue *queue, size_t i,
		      struct index_slot *out);

/* No more parts will come: wakes a writer waiting for them. */
void index_queue_close(struct index_queue *queue);

/* Frees the parts never taken, and the queue's slots. */
void index_queue_free(struct index_queue *queue);

#endif
