#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

/// deflateInit2 is a macro; this typed wrapper makes it callable from Swift.
int czlib_deflate_init2(z_stream *stream, int level, int method, int windowBits, int memLevel, int strategy);
/// inflateInit2 is a macro; this typed wrapper makes it callable from Swift.
int czlib_inflate_init2(z_stream *stream, int windowBits);

#endif
