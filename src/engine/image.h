/*
 * image.h: structures written into one block and read back in place, each pointer kept in the
 * block as an offset. The rule set is saved so (rules.h), and a later process reads it in one
 * piece instead of building it again from the parsed files.
 *
 * Writing: each eccn_imgw_* call appends to the block, 8-byte aligned, and returns where it
 * wrote (0 stands for NULL). A structure is written as a copy whose pointer fields hold such
 * offsets (ECCN_IMG_STASH), after what they point at. Reading: the caller checks the block as a
 * whole (its length and checksum); each eccn_imgr_* call turns a stashed offset back into a
 * pointer into the block after checking that what it points at lies inside it, and on any
 * inconsistency sets r->bad and returns NULL, so that the caller can drop the image and build the
 * structures afresh. The block stays the owner of everything in it.
 */
#ifndef ECCN_IMAGE_H
#define ECCN_IMAGE_H

#include "util.h"

#include <stdint.h>

/* An offset kept in a pointer field of a structure copy, and back. */
#define ECCN_IMG_STASH(off) ((void *)(uintptr_t)(off))
#define ECCN_IMG_OFFSET(ptr) ((uint64_t)(uintptr_t)(ptr))

typedef struct eccn_imgw {
    eccn_buf buf;
    int status; /* ECCN_OK until an allocation fails; then every call returns 0 */
} eccn_imgw;

uint64_t eccn_imgw_put(eccn_imgw *w, const void *data, size_t n);
uint64_t eccn_imgw_str(eccn_imgw *w, const char *s);
/* n strings: written as an array of their offsets, read back as an array of pointers. */
uint64_t eccn_imgw_strv(eccn_imgw *w, char *const *v, size_t n);
/* The string each of a structure copy's n string fields points at, written, and its offset put in
 * the field: one list of a structure's string fields serves to write and to read it back
 * (eccn_imgr_strs). */
void eccn_imgw_strs(eccn_imgw *w, char **const *fields, size_t n);

typedef struct eccn_imgr {
    char *base; /* 8-byte aligned */
    size_t len;
    bool bad;
} eccn_imgr;

/* count elements of size bytes at the stashed offset; NULL for a stashed 0 (not an error). */
void *eccn_imgr_array(eccn_imgr *r, const void *stashed, size_t count, size_t size);
char *eccn_imgr_str(eccn_imgr *r, const void *stashed);
char **eccn_imgr_strv(eccn_imgr *r, const void *stashed, size_t n);
/* Each of n string fields, holding an offset, turned back into a string in the block. */
void eccn_imgr_strs(eccn_imgr *r, char **const *fields, size_t n);
/* Checks that a fixed-size character field read from the block is NUL-terminated. */
void eccn_imgr_field(eccn_imgr *r, const char *field, size_t size);

#endif
