#include "config.h"

#include "output/JsonWriter.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void JsonWriter_init(JsonWriter* this) {
   memset(this, 0, sizeof(*this));
   this->first[0] = true;
}

void JsonWriter_done(JsonWriter* this) {
   free(this->text);
   memset(this, 0, sizeof(*this));
}

void JsonWriter_reset(JsonWriter* this) {
   this->length = 0;
   this->depth = 0;
   this->first[0] = true;
   if (this->text)
      this->text[0] = '\0';
}

/* Room for n more bytes and the terminating NUL. */
static void JsonWriter_reserve(JsonWriter* this, size_t n) {
   if (this->length + n + 1 <= this->capacity)
      return;
   size_t capacity = this->capacity ? this->capacity : 4096;
   while (capacity < this->length + n + 1)
      capacity *= 2;
   this->text = xReallocArray(this->text, capacity, 1);
   this->capacity = capacity;
}

static void JsonWriter_append(JsonWriter* this, const char* bytes, size_t n) {
   JsonWriter_reserve(this, n);
   memcpy(this->text + this->length, bytes, n);
   this->length += n;
   this->text[this->length] = '\0';
}

static void JsonWriter_char(JsonWriter* this, char c) {
   JsonWriter_reserve(this, 1);
   this->text[this->length++] = c;
   this->text[this->length] = '\0';
}

static void JsonWriter_quoted(JsonWriter* this, const char* s) {
   static const char hex[] = "0123456789abcdef";
   JsonWriter_char(this, '"');
   const char* run = s;
   for (const char* p = s;; p++) {
      unsigned char c = (unsigned char)*p;
      if (c >= 0x20 && c != '"' && c != '\\')
         continue;
      JsonWriter_append(this, run, (size_t)(p - run));
      if (c == '\0')
         break;
      char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      switch (c) {
      case '"':
      case '\\':
         escape[1] = (char)c;
         JsonWriter_append(this, escape, 2);
         break;
      case '\n':
         JsonWriter_append(this, "\\n", 2);
         break;
      case '\t':
         JsonWriter_append(this, "\\t", 2);
         break;
      case '\r':
         JsonWriter_append(this, "\\r", 2);
         break;
      default:
         JsonWriter_append(this, escape, sizeof(escape));
      }
      run = p + 1;
   }
   JsonWriter_char(this, '"');
}

/* The comma before a value and its key, if any. */
static void JsonWriter_member(JsonWriter* this, const char* key) {
   if (!this->first[this->depth])
      JsonWriter_char(this, ',');
   this->first[this->depth] = false;
   if (key) {
      JsonWriter_quoted(this, key);
      JsonWriter_char(this, ':');
   }
}

static void JsonWriter_open(JsonWriter* this, const char* key, char bracket) {
   JsonWriter_member(this, key);
   JsonWriter_char(this, bracket);
   if (this->depth + 1 < JSON_WRITER_MAX_DEPTH)
      this->depth++;
   this->first[this->depth] = true;
}

static void JsonWriter_close(JsonWriter* this, char bracket) {
   JsonWriter_char(this, bracket);
   if (this->depth > 0)
      this->depth--;
}

void JsonWriter_beginObject(JsonWriter* this, const char* key) {
   JsonWriter_open(this, key, '{');
}

void JsonWriter_endObject(JsonWriter* this) {
   JsonWriter_close(this, '}');
}

void JsonWriter_beginArray(JsonWriter* this, const char* key) {
   JsonWriter_open(this, key, '[');
}

void JsonWriter_endArray(JsonWriter* this) {
   JsonWriter_close(this, ']');
}

void JsonWriter_string(JsonWriter* this, const char* key, const char* value) {
   if (!value) {
      JsonWriter_null(this, key);
      return;
   }
   JsonWriter_member(this, key);
   JsonWriter_quoted(this, value);
}

/* Decimal digits of v, without printf's format parsing. */
static void JsonWriter_digits(JsonWriter* this, uint64_t v, int minDigits) {
   char digits[24];
   int n = 0;
   do {
      digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
      v /= 10;
   } while (v > 0 || n < minDigits);
   JsonWriter_append(this, digits + sizeof(digits) - n, (size_t)n);
}

void JsonWriter_int(JsonWriter* this, const char* key, int64_t value) {
   JsonWriter_member(this, key);
   if (value < 0) {
      JsonWriter_char(this, '-');
      JsonWriter_digits(this, (uint64_t)0 - (uint64_t)value, 1);
   } else {
      JsonWriter_digits(this, (uint64_t)value, 1);
   }
}

void JsonWriter_u64(JsonWriter* this, const char* key, uint64_t value) {
   JsonWriter_int(this, key, value > INT64_MAX ? INT64_MAX : (int64_t)value);
}

void JsonWriter_knownU64(JsonWriter* this, const char* key, bool known, uint64_t value) {
   if (known)
      JsonWriter_u64(this, key, value);
   else
      JsonWriter_null(this, key);
}

void JsonWriter_knownInt(JsonWriter* this, const char* key, bool known, int64_t value) {
   if (known)
      JsonWriter_int(this, key, value);
   else
      JsonWriter_null(this, key);
}

void JsonWriter_fixed(JsonWriter* this, const char* key, double value, int decimals) {
   static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
   if (!isfinite(value)) {
      JsonWriter_null(this, key);
      return;
   }
   decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
   double scaled = value * scale[decimals];
   JsonWriter_member(this, key);
   /* Exact in a double's 53 bits; beyond, printf does it. */
   if (fabs(scaled) >= 9e15) {
      char text[400];
      int n = snprintf(text, sizeof(text), "%.*f", decimals, value);
      JsonWriter_append(this, text, n > 0 && (size_t)n < sizeof(text) ? (size_t)n : 0);
      return;
   }
   long long units = llround(scaled);
   if (units < 0) {
      JsonWriter_char(this, '-');
      units = -units;
   }
   uint64_t whole = (uint64_t)units / (uint64_t)scale[decimals];
   JsonWriter_digits(this, whole, 1);
   if (decimals > 0) {
      JsonWriter_char(this, '.');
      JsonWriter_digits(this, (uint64_t)units % (uint64_t)scale[decimals], decimals);
   }
}

void JsonWriter_bool(JsonWriter* this, const char* key, bool value) {
   JsonWriter_member(this, key);
   JsonWriter_append(this, value ? "true" : "false", value ? 4 : 5);
}

void JsonWriter_null(JsonWriter* this, const char* key) {
   JsonWriter_member(this, key);
   JsonWriter_append(this, "null", 4);
}

void JsonWriter_raw(JsonWriter* this, const char* key, const char* json, size_t length) {
   JsonWriter_member(this, key);
   JsonWriter_append(this, json, length);
}
