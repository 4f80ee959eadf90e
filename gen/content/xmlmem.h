/*
 * xmlmem.h — libxml2's allocations through the x* wrappers of base/util.h,
 * so that exhausted memory inside libxml2 meets the same policy as
 * everywhere else (out_of_memory) instead of a NULL that some of its
 * callers cannot pass on.
 */
#ifndef KB_XMLMEM_H
#define KB_XMLMEM_H

/* Installs the wrappers with xmlMemSetup and initialises the parser. Call
 * once, first thing in main, before any other libxml2 call. */
void xmlmem_init(void);

#endif
