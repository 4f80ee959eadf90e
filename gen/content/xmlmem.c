#include "content/xmlmem.h"

#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <stdlib.h>

#include "base/util.h"

void xmlmem_init(void)
{
	if (xmlMemSetup(free, xmalloc, xrealloc, xstrdup) != 0)
		out_of_memory();
	xmlInitParser();
}
