/*
 * index_queue.c — renderers to the kb.db writer, in site order (see
 * index_queue.h).
 */
#include "build/index_queue.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void index_queue_init(struct index_queue *queue, size_t article_count)
{
	*queue = (struct index_queue){
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.changed = PTHREAD_COND_INITIALIZER,
		.slots = xcalloc(article_count + 1, sizeof *queue->slots),
		.article_count = article_count,
	};
}

void index_queue_put(void *user, const struct article *article,
		     cmark_node *document)
{
	struct index_queue *queue = user;
	struct index_part *parts;
	size_t count, bytes = 0;

	index_parts_make(article, document, &parts, &count);
	for (size_t i = 0; i < count; i++)
		bytes += strlen(parts[i].text) + 1;
	pthread_mutex_lock(&queue->lock);
	while (article->order > queue->consumed && !queue->closed &&
	       queue->pending_bytes + bytes > INDEX_QUEUE_BYTES)
		pthread_cond_wait(&queue->changed, &queue->lock);
	queue->slots[article->order] =
		(struct index_slot){true, parts, count, bytes};
	queue->pending_bytes += bytes;
	/* only the writer waits for a slot to be filled */
	if (article->order == queue->consumed)
		pthread_cond_broadcast(&queue->changed);
	pthread_mutex_unlock(&queue->lock);
}

bool index_queue_take(struct index_queue *queue, size_t i,
		      struct index_slot *out)
{
	bool ready;

	pthread_mutex_lock(&queue->lock);
	while (!queue->slots[i].ready && !queue->closed)
		pthread_cond_wait(&queue->changed, &queue->lock);
	ready = queue->slots[i].ready;
	*out = queue->slots[i];
	queue->pending_bytes -= out->bytes;
	queue->slots[i] = (struct index_slot){0};
	queue->consumed = i + 1;
	pthread_cond_broadcast(&queue->changed);
	pthread_mutex_unlock(&queue->lock);
	return ready;
}

void index_queue_close(struct index_queue *queue)
{
	pthread_mutex_lock(&queue->lock);
	queue->closed = true;
	pthread_cond_broadcast(&queue->changed);
	pthread_mutex_unlock(&queue->lock);
}

void index_queue_free(struct index_queue *queue)
{
	for (size_t i = 0; i < queue->article_count; i++)
		index_parts_free(queue->slots[i].parts, queue->slots[i].count);
	free(queue->slots);
	queue->slots = NULL;
}
