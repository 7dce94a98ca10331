#ifndef CORPUS_INDEX_CZLIB_SHIM_H
#define CORPUS_INDEX_CZLIB_SHIM_H
#include <zlib.h>
#endif
