/*
 * corpus_index.h: the C API of corpus-index (library libCorpusIndexC.so / .dylib, product "CorpusIndexC").
 *
 * Open an index built by `corpus-index build`, run queries (the language of docs/QUERY.md), read the hits and
 * fetch stored cables. Every function returns a ci_status (CI_OK = 0 on success) and never aborts on bad
 * input: NULL or closed handles, out-of-range indexes, bad queries and corrupt index files all return an error
 * code; the message is then available from ci_last_error() on the same thread.
 *
 * Ownership: handles from ci_open / ci_search are owned by the caller and freed with ci_close /
 * ci_results_free (each at most once; a freed handle passed again gives CI_ERR_INVALID_ARGUMENT). Strings
 * returned through `const char **` point into the results object and live until ci_results_free. Strings and
 * bytes returned through `char **` / `uint8_t **` are the caller's and must be freed with ci_free.
 *
 * Threads: an index handle may be used from several threads at once; a results handle by one thread at a time.
 * ci_last_error() is per thread.
 */
#ifndef CORPUS_INDEX_H
#define CORPUS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ci_status {
    CI_OK = 0,
    CI_ERR_IO = 1,               /* a file could not be opened or read */
    CI_ERR_CORRUPT = 2,          /* the index failed a checksum or structural check */
    CI_ERR_FORMAT = 3,           /* index format too old or too new for this library */
    CI_ERR_BAD_QUERY = 4,        /* the query does not parse; see ci_last_error_position() */
    CI_ERR_INVALID_ARGUMENT = 5, /* NULL, closed handle, index out of range, negative top/offset */
    CI_ERR_NOT_FOUND = 6,        /* no cable with that reference id */
    CI_ERR_INTERNAL = 7          /* anything else */
} ci_status;

typedef enum ci_order {
    CI_ORDER_SCORE = 0,          /* BM25, highest first; ties by document id */
    CI_ORDER_DATE = 1,           /* created date, oldest first */
    CI_ORDER_DATE_DESC = 2       /* created date, newest first */
} ci_order;

typedef struct ci_index ci_index;
typedef struct ci_results ci_results;

/* The message of the last failed call on this thread ("" if none). Valid until the next failing call on it. */
const char *ci_last_error(void);
/* For CI_ERR_BAD_QUERY: the 0-based byte offset of the problem in the query; -1 otherwise. */
int64_t ci_last_error_position(void);
/* The library version, e.g. "0.1.0" (static storage). */
const char *ci_version(void);

/* Opens the index directory `path`. */
int ci_open(const char *path, ci_index **out_index);
/* Closes an index (NULL is ignored). Results obtained from it stay valid. */
int ci_close(ci_index *index);
/* The number of documents in the index. */
int ci_document_count(ci_index *index, int64_t *out_count);

/* Runs `query` (UTF-8) and keeps hits offset ..< offset + top in `order` (document ids and scores; each hit's
 * stored metadata is read from the document store the first time ci_result_refid / ci_result_json asks). */
int ci_search(ci_index *index, const char *query, int64_t top, int64_t offset, int order, ci_results **out_results);
/* Counts the documents `query` matches. */
int ci_count(ci_index *index, const char *query, int64_t *out_count);

/* The number of hits held. */
int ci_results_count(const ci_results *results, size_t *out_count);
/* Hit i's reference id (owned by results; reads the document store on first access). */
int ci_result_refid(const ci_results *results, size_t i, const char **out_refid);
/* Hit i's score (BM25; 0 for queries with no scoring terms). */
int ci_result_score(const ci_results *results, size_t i, double *out_score);
/* Hit i's document id (stable for this index; use with ci_document_json_by_id). */
int ci_result_doc(const ci_results *results, size_t i, uint32_t *out_doc);
/* Hit i as one JSON object (the `corpus-index query --json` schema; owned by results). */
int ci_result_json(const ci_results *results, size_t i, const char **out_json);
/* Frees results (NULL is ignored). */
int ci_results_free(ci_results *results);

/* The stored cable with reference id `refid` as JSON (see docs/QUERY.md); free with ci_free. */
int ci_document_json(ci_index *index, const char *refid, char **out_json);
/* The stored cable with document id `doc` as JSON; free with ci_free. */
int ci_document_json_by_id(ci_index *index, uint32_t doc, char **out_json);
/* The raw body bytes of the cable `refid`, exactly as in the dump (not NUL-terminated); free with ci_free. */
int ci_document_body(ci_index *index, const char *refid, uint8_t **out_bytes, size_t *out_length);
/* Frees memory returned through char ** / uint8_t ** (NULL is ignored). */
void ci_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
