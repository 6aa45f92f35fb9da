#ifndef HEADER_JsonWriter
#define HEADER_JsonWriter
/* JSON text written as it goes into one buffer that is reused from line to
   line: --batch prints a line for a thousand processes every tick, and a
   tree of json-c objects cost it a third of a tick (an allocation and a
   hash insertion per field, then a walk to print). Values are appended in
   order; the writer places the commas and escapes strings. Keys are taken
   as they are (the callers' are literals, never outside input). Pure: no
   I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_WRITER_MAX_DEPTH 16

typedef struct JsonWriter {
   char* text;
   size_t length;
   size_t capacity;
   int depth;
   bool first[JSON_WRITER_MAX_DEPTH]; /* nothing written yet at this depth */
} JsonWriter;

void JsonWriter_init(JsonWriter* this);
void JsonWriter_done(JsonWriter* this);
/* Empties the text, keeping the buffer. */
void JsonWriter_reset(JsonWriter* this);

/* In each call, key names the member inside an object, and is NULL for a
   value at the top or in an array. */
void JsonWriter_beginObject(JsonWriter* this, const char* key);
void JsonWriter_endObject(JsonWriter* this);
void JsonWriter_beginArray(JsonWriter* this, const char* key);
void JsonWriter_endArray(JsonWriter* this);
/* NULL is written as null. */
void JsonWriter_string(JsonWriter* this, const char* key, const char* value);
void JsonWriter_int(JsonWriter* this, const char* key, int64_t value);
/* Above INT64_MAX is written as INT64_MAX, as json-c's readers take it. */
void JsonWriter_u64(JsonWriter* this, const char* key, uint64_t value);
/* null when not known. */
void JsonWriter_knownU64(JsonWriter* this, const char* key, bool known, uint64_t value);
void JsonWriter_knownInt(JsonWriter* this, const char* key, bool known, int64_t value);
/* With a fixed number of decimals (0 to 6), null when not finite: the
   shortest round-trip form of a double would print 1795264165.1689999 for
   a time stamp. */
void JsonWriter_fixed(JsonWriter* this, const char* key, double value, int decimals);
void JsonWriter_bool(JsonWriter* this, const char* key, bool value);
void JsonWriter_null(JsonWriter* this, const char* key);
/* A value already written as JSON text (by another writer). */
void JsonWriter_raw(JsonWriter* this, const char* key, const char* json, size_t length);

#endif
