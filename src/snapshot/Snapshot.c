#include "config.h"

#include "snapshot/Snapshot.h"

#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/Text.h"
#include "util/XUtils.h"

/* The deepest path of the contract is root.tracebacks[].frames[][]: 5. */
#define SNAPSHOT_JSON_DEPTH 8

static void Snapshot_note(Snapshot* s, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

static void Snapshot_addError(Snapshot* s, const char* text) {
   if (s->errorCount >= SNAPSHOT_ERRORS_MAX) {
      s->truncated = true;
      return;
   }
   s->errors = xReallocArray(s->errors, (size_t)s->errorCount + 1, sizeof(char*));
   s->errors[s->errorCount++] = xStrdup(text);
}

static void Snapshot_note(Snapshot* s, const char* fmt, ...) {
   char buf[SNAPSHOT_ERROR_MAX];
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(buf, sizeof(buf), fmt, ap);
   va_end(ap);
   Snapshot_addError(s, buf);
}

/* A printable copy of a JSON string in buf (at most size-1 bytes); false
   when o is not a string. */
static bool Snapshot_copyText(Snapshot* s, json_object* o, char* buf, size_t size) {
   if (!o || !json_object_is_type(o, json_type_string))
      return false;
   size_t len = (size_t)json_object_get_string_len(o);
   if (len >= size)
      s->truncated = true;
   Text_sanitize(json_object_get_string(o), len, buf, size);
   return true;
}

/* The same, allocated, of at most max bytes (max <= SNAPSHOT_PATH_MAX). */
static char* Snapshot_text(Snapshot* s, json_object* o, size_t max) {
   char buf[SNAPSHOT_PATH_MAX + 1];
   return Snapshot_copyText(s, o, buf, max + 1) ? xStrdup(buf) : NULL;
}

static bool Snapshot_countOf(json_object* o, int64_t* out) {
   if (!o || !json_object_is_type(o, json_type_int))
      return false;
   /* json-c clamps larger unsigned values to INT64_MAX: out of range too. */
   int64_t v = json_object_get_int64(o);
   if (v < 0 || v > SNAPSHOT_NUMBER_MAX)
      return false;
   *out = v;
   return true;
}

/* A line number, a frame limit: a count that fits an int. */
static bool Snapshot_intOf(json_object* o, int* out) {
   int64_t v;
   if (!Snapshot_countOf(o, &v) || v > INT_MAX)
      return false;
   *out = (int)v;
   return true;
}

/* A member that may be absent or null; NULL then. */
static json_object* Snapshot_member(json_object* parent, const char* key) {
   json_object* v = NULL;
   if (!parent || !json_object_object_get_ex(parent, key, &v))
      return NULL;
   return v;
}

static int64_t Snapshot_optCount(Snapshot* s, json_object* parent, const char* where,
                                 const char* key) {
   json_object* v = Snapshot_member(parent, key);
   int64_t n;
   if (!v)
      return -1;
   if (!Snapshot_countOf(v, &n)) {
      Snapshot_note(s, "result: %s%s is not a count", where, key);
      return -1;
   }
   return n;
}

static double Snapshot_optNumber(Snapshot* s, json_object* parent, const char* key) {
   json_object* v = Snapshot_member(parent, key);
   if (!v)
      return NAN;
   if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
      double d = json_object_get_double(v);
      /* json-c accepts NaN and Infinity even in strict mode. */
      if (isfinite(d) && d >= 0)
         return d;
   }
   Snapshot_note(s, "result: %s is not a number", key);
   return NAN;
}

/* -1 absent, else 0 or 1. */
static int Snapshot_optBool(Snapshot* s, json_object* parent, const char* where, const char* key) {
   json_object* v = Snapshot_member(parent, key);
   if (!v)
      return -1;
   if (!json_object_is_type(v, json_type_boolean)) {
      Snapshot_note(s, "result: %s%s is not true or false", where, key);
      return -1;
   }
   return json_object_get_boolean(v) ? 1 : 0;
}

/* An object member; NULL (noted) when present but not an object. */
static json_object* Snapshot_optObject(Snapshot* s, json_object* parent, const char* key) {
   json_object* v = Snapshot_member(parent, key);
   if (v && !json_object_is_type(v, json_type_object)) {
      Snapshot_note(s, "result: %s is not an object", key);
      return NULL;
   }
   return v;
}

typedef bool (*Snapshot_ItemFn)(Snapshot* s, json_object* item, void* slot);

/* Reads the entries of a JSON array into an allocated array of itemSize
   slots, at most cap of them; malformed entries are skipped and noted. */
static void* Snapshot_array(Snapshot* s, json_object* array, const char* name, int cap,
                            size_t itemSize, Snapshot_ItemFn parseItem, int* count) {
   *count = 0;
   if (!array)
      return NULL;
   if (!json_object_is_type(array, json_type_array)) {
      Snapshot_note(s, "result: %s is not a list", name);
      return NULL;
   }
   size_t len = json_object_array_length(array);
   if (len > (size_t)cap) {
      Snapshot_note(s, "result: %s cut to %d entries of %zu", name, cap, len);
      s->truncated = true;
      len = (size_t)cap;
   }
   if (len == 0)
      return NULL;
   char* items = xCalloc(len, itemSize);
   int bad = 0;
   for (size_t i = 0; i < len; i++) {
      void* slot = items + (size_t)*count * itemSize;
      if (parseItem(s, json_object_array_get_idx(array, i), slot))
         (*count)++;
      else
         bad++;
   }
   if (bad)
      Snapshot_note(s, "result: %d malformed entr%s of %s skipped", bad, bad == 1 ? "y" : "ies",
                    name);
   return items;
}

/* ["module.QualName", count, shallow_bytes], or an older result's
   ["module.QualName", count] */
static bool Snapshot_typeItem(Snapshot* s, json_object* item, void* slot) {
   SnapshotType* t = slot;
   if (!json_object_is_type(item, json_type_array))
      return false;
   size_t len = json_object_array_length(item);
   if (len != 2 && len != 3)
      return false;
   if (!Snapshot_countOf(json_object_array_get_idx(item, 1), &t->count))
      return false;
   t->shallow = -1;
   if (len == 3 && !Snapshot_countOf(json_object_array_get_idx(item, 2), &t->shallow))
      return false;
   t->name = Snapshot_text(s, json_object_array_get_idx(item, 0), SNAPSHOT_NAME_MAX);
   return t->name != NULL;
}

/* ["/app/x.py", 42] */
static bool Snapshot_frameItem(Snapshot* s, json_object* item, void* slot) {
   SnapshotFrame* f = slot;
   if (!json_object_is_type(item, json_type_array) || json_object_array_length(item) != 2)
      return false;
   if (!Snapshot_intOf(json_object_array_get_idx(item, 1), &f->line))
      return false;
   f->file = Snapshot_text(s, json_object_array_get_idx(item, 0), SNAPSHOT_PATH_MAX);
   return f->file != NULL;
}

/* {"file": ..., "line": n, "size": bytes, "count": n} */
static bool Snapshot_lineItem(Snapshot* s, json_object* item, void* slot) {
   SnapshotLine* l = slot;
   if (!json_object_is_type(item, json_type_object))
      return false;
   if (!Snapshot_intOf(Snapshot_member(item, "line"), &l->line) ||
       !Snapshot_countOf(Snapshot_member(item, "size"), &l->size) ||
       !Snapshot_countOf(Snapshot_member(item, "count"), &l->count))
      return false;
   l->file = Snapshot_text(s, Snapshot_member(item, "file"), SNAPSHOT_PATH_MAX);
   if (!l->file)
      return false;
   /* Optional: a text of the wrong type is only left out. */
   l->text = Snapshot_text(s, Snapshot_member(item, "text"), SNAPSHOT_SOURCE_MAX);
   return true;
}

/* {"size": bytes, "count": n, "frames": [[file, line], ...]} */
static bool Snapshot_tracebackItem(Snapshot* s, json_object* item, void* slot) {
   SnapshotTraceback* t = slot;
   if (!json_object_is_type(item, json_type_object))
      return false;
   if (!Snapshot_countOf(Snapshot_member(item, "size"), &t->size) ||
       !Snapshot_countOf(Snapshot_member(item, "count"), &t->count))
      return false;
   json_object* frames = Snapshot_member(item, "frames");
   if (!frames || !json_object_is_type(frames, json_type_array))
      return false;
   t->frames = Snapshot_array(s, frames, "traceback frames", SNAPSHOT_FRAMES_MAX,
                              sizeof(SnapshotFrame), Snapshot_frameItem, &t->frameCount);
   return true;
}

static void Snapshot_parseGc(Snapshot* s, json_object* root) {
   json_object* gc = Snapshot_optObject(s, root, "gc");
   json_object* counts = Snapshot_member(gc, "counts");
   if (counts) {
      bool ok =
            json_object_is_type(counts, json_type_array) && json_object_array_length(counts) == 3;
      for (size_t i = 0; ok && i < 3; i++)
         ok = Snapshot_countOf(json_object_array_get_idx(counts, i), &s->gcCounts[i]);
      if (!ok) {
         Snapshot_note(s, "result: gc.counts is not three counts");
         s->gcCounts[0] = s->gcCounts[1] = s->gcCounts[2] = -1;
      }
   }
   s->gcGarbage = Snapshot_optCount(s, gc, "gc.", "garbage");
   s->gcObjects = Snapshot_optCount(s, gc, "gc.", "objects");
   s->gcEnabled = Snapshot_optBool(s, gc, "gc.", "enabled");
}

static void Snapshot_parseTracemalloc(Snapshot* s, json_object* root) {
   json_object* tm = Snapshot_optObject(s, root, "tracemalloc");
   if (!tm)
      return;
   int tracing = Snapshot_optBool(s, tm, "tracemalloc.", "tracing");
   if (tracing < 0)
      return;
   s->tracemallocKnown = true;
   s->tracing = tracing == 1;
   int64_t frames = Snapshot_optCount(s, tm, "tracemalloc.", "frames");
   s->frames = frames >= 0 && frames <= INT_MAX ? (int)frames : 0;
   s->traced = Snapshot_optCount(s, tm, "tracemalloc.", "traced");
   s->peak = Snapshot_optCount(s, tm, "tracemalloc.", "peak");
   s->overhead = Snapshot_optCount(s, tm, "tracemalloc.", "overhead");
}

static void Snapshot_parseBody(Snapshot* s, json_object* root) {
   s->time = Snapshot_optNumber(s, root, "time");
   s->elapsedMs = Snapshot_optNumber(s, root, "elapsed_ms");
   Snapshot_copyText(s, Snapshot_member(root, "python"), s->python, sizeof(s->python));
   s->truncated |= Snapshot_optBool(s, root, "", "truncated") == 1;
   s->rssKiB = Snapshot_optCount(s, root, "", "rss_kib");
   s->allocatedBlocks = Snapshot_optCount(s, root, "", "allocated_blocks");
   Snapshot_parseGc(s, root);
   s->types = Snapshot_array(s, Snapshot_member(root, "types"), "types", SNAPSHOT_TYPES_MAX,
                             sizeof(SnapshotType), Snapshot_typeItem, &s->typeCount);
   s->typesTotal = Snapshot_optCount(s, root, "", "types_total");
   Snapshot_parseTracemalloc(s, root);
   s->lines = Snapshot_array(s, Snapshot_member(root, "lines"), "lines", SNAPSHOT_LIST_MAX,
                             sizeof(SnapshotLine), Snapshot_lineItem, &s->lineCount);
   s->tracebacks =
         Snapshot_array(s, Snapshot_member(root, "tracebacks"), "tracebacks", SNAPSHOT_LIST_MAX,
                        sizeof(SnapshotTraceback), Snapshot_tracebackItem, &s->tracebackCount);
   json_object* trim = Snapshot_optObject(s, root, "trim");
   s->trimBeforeKiB = Snapshot_optCount(s, trim, "trim.", "rss_before_kib");
   s->trimAfterKiB = Snapshot_optCount(s, trim, "trim.", "rss_after_kib");
   if (s->trimBeforeKiB < 0 || s->trimAfterKiB < 0)
      s->trimBeforeKiB = s->trimAfterKiB = -1;
   int64_t hostPid = Snapshot_optCount(s, root, "", "host_pid");
   s->hostPid = hostPid > 0 && hostPid <= INT_MAX ? (pid_t)hostPid : 0;
   int64_t ticks = Snapshot_optCount(s, root, "", "start_ticks");
   s->startTicks = ticks > 0 ? (unsigned long long)ticks : 0;
   Snapshot_copyText(s, Snapshot_member(root, "leaktop_route"), s->route, sizeof(s->route));
   int64_t number = Snapshot_optCount(s, root, "", "leaktop_number");
   s->number = number > 0 && number <= LONG_MAX ? (long)number : 0;
}

/* Read before the rest, so the collector's errors come first and notes
   about this parse follow them. */
static void Snapshot_parseErrors(Snapshot* s, json_object* root) {
   json_object* list = Snapshot_member(root, "errors");
   if (!list)
      return;
   if (!json_object_is_type(list, json_type_array)) {
      Snapshot_note(s, "result: errors is not a list");
      return;
   }
   size_t len = json_object_array_length(list);
   size_t bad = 0;
   for (size_t i = 0; i < len && s->errorCount < SNAPSHOT_ERRORS_MAX; i++) {
      char buf[SNAPSHOT_ERROR_MAX];
      if (Snapshot_copyText(s, json_object_array_get_idx(list, i), buf, sizeof(buf)))
         Snapshot_addError(s, buf);
      else
         bad++;
   }
   if (len > SNAPSHOT_ERRORS_MAX)
      s->truncated = true;
   if (bad)
      Snapshot_note(s, "result: %zu errors are not strings", bad);
}

static void Snapshot_init(Snapshot* s) {
   memset(s, 0, sizeof(*s));
   s->time = s->elapsedMs = NAN;
   s->rssKiB = s->allocatedBlocks = -1;
   s->gcCounts[0] = s->gcCounts[1] = s->gcCounts[2] = -1;
   s->gcGarbage = s->gcObjects = -1;
   s->gcEnabled = -1;
   s->traced = s->peak = s->overhead = -1;
   s->trimBeforeKiB = s->trimAfterKiB = -1;
   s->typesTotal = -1;
}

static json_object* Snapshot_tokenize(const char* text, size_t len, char* err, size_t errSize) {
   json_tokener* tok = json_tokener_new_ex(SNAPSHOT_JSON_DEPTH);
   if (!tok) {
      snprintf(err, errSize, "out of memory");
      return NULL;
   }
   /* Strict mode also refuses anything but white space after the value. */
   json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
   json_object* root = json_tokener_parse_ex(tok, text, (int)len);
   enum json_tokener_error e = json_tokener_get_error(tok);
   size_t end = json_tokener_get_parse_end(tok);
   if (e == json_tokener_continue)
      snprintf(err, errSize, "the result is cut short after %zu bytes", len);
   else if (e != json_tokener_success)
      snprintf(err, errSize, "the result is not JSON: %s at byte %zu", json_tokener_error_desc(e),
               end);
   json_tokener_free(tok);
   if (e != json_tokener_success) {
      json_object_put(root);
      return NULL;
   }
   return root;
}

bool Snapshot_parse(const char* text, size_t len, Snapshot* out, char* err, size_t errSize) {
   Snapshot_init(out);
   if (len > SNAPSHOT_TEXT_MAX) {
      snprintf(err, errSize, "the result is %zu bytes, more than the %d-byte limit", len,
               SNAPSHOT_TEXT_MAX);
      return false;
   }
   if (len == 0) {
      snprintf(err, errSize, "the result is empty");
      return false;
   }
   json_object* root = Snapshot_tokenize(text, len, err, errSize);
   if (!root)
      return false;
   bool ok = false;
   int64_t magic, seq, pid;
   if (!json_object_is_type(root, json_type_object) ||
       !Snapshot_countOf(Snapshot_member(root, "leaktop_snapshot"), &magic) || magic != 1) {
      snprintf(err, errSize, "not a leaktop snapshot (no \"leaktop_snapshot\": 1)");
   } else if (!Snapshot_countOf(Snapshot_member(root, "seq"), &seq) || seq > LONG_MAX) {
      snprintf(err, errSize, "the snapshot has no valid \"seq\"");
   } else if (!Snapshot_countOf(Snapshot_member(root, "pid"), &pid) || pid == 0 || pid > INT_MAX) {
      snprintf(err, errSize, "the snapshot has no valid \"pid\"");
   } else {
      out->seq = (long)seq;
      out->pid = (pid_t)pid;
      Snapshot_parseErrors(out, root);
      Snapshot_parseBody(out, root);
      ok = true;
   }
   json_object_put(root);
   return ok;
}

void Snapshot_done(Snapshot* s) {
   for (int i = 0; i < s->typeCount; i++)
      free(s->types[i].name);
   for (int i = 0; i < s->lineCount; i++) {
      free(s->lines[i].file);
      free(s->lines[i].text);
   }
   for (int i = 0; i < s->tracebackCount; i++) {
      for (int f = 0; f < s->tracebacks[i].frameCount; f++)
         free(s->tracebacks[i].frames[f].file);
      free(s->tracebacks[i].frames);
   }
   for (int i = 0; i < s->errorCount; i++)
      free(s->errors[i]);
   free(s->types);
   free(s->lines);
   free(s->tracebacks);
   free(s->errors);
   Snapshot_init(s);
}

static void Snapshot_addCount(json_object* o, const char* key, int64_t v) {
   if (v >= 0)
      json_object_object_add(o, key, json_object_new_int64(v));
}

static json_object* Snapshot_pair(const char* s, int64_t n) {
   json_object* a = json_object_new_array();
   json_object_array_add(a, json_object_new_string(s));
   json_object_array_add(a, json_object_new_int64(n));
   return a;
}

static json_object* Snapshot_gcJson(const Snapshot* s) {
   json_object* gc = json_object_new_object();
   if (s->gcCounts[0] >= 0) {
      json_object* counts = json_object_new_array();
      for (int i = 0; i < 3; i++)
         json_object_array_add(counts, json_object_new_int64(s->gcCounts[i]));
      json_object_object_add(gc, "counts", counts);
   }
   Snapshot_addCount(gc, "garbage", s->gcGarbage);
   Snapshot_addCount(gc, "objects", s->gcObjects);
   if (s->gcEnabled >= 0)
      json_object_object_add(gc, "enabled", json_object_new_boolean(s->gcEnabled));
   return gc;
}

static json_object* Snapshot_tracemallocJson(const Snapshot* s) {
   json_object* tm = json_object_new_object();
   json_object_object_add(tm, "tracing", json_object_new_boolean(s->tracing));
   json_object_object_add(tm, "frames", json_object_new_int(s->frames));
   Snapshot_addCount(tm, "traced", s->traced);
   Snapshot_addCount(tm, "peak", s->peak);
   Snapshot_addCount(tm, "overhead", s->overhead);
   return tm;
}

static json_object* Snapshot_tracebacksJson(const Snapshot* s) {
   json_object* list = json_object_new_array();
   for (int i = 0; i < s->tracebackCount; i++) {
      const SnapshotTraceback* t = &s->tracebacks[i];
      json_object* o = json_object_new_object();
      json_object_object_add(o, "size", json_object_new_int64(t->size));
      json_object_object_add(o, "count", json_object_new_int64(t->count));
      json_object* frames = json_object_new_array();
      for (int f = 0; f < t->frameCount; f++)
         json_object_array_add(frames, Snapshot_pair(t->frames[f].file, t->frames[f].line));
      json_object_object_add(o, "frames", frames);
      json_object_array_add(list, o);
   }
   return list;
}

json_object* Snapshot_jsonReal(double v, int decimals) {
   if (!isfinite(v))
      return NULL;
   char text[64];
   snprintf(text, sizeof(text), "%.*f", decimals, v);
   return json_object_new_double_s(v, text);
}

json_object* Snapshot_toJson(const Snapshot* s) {
   json_object* o = json_object_new_object();
   json_object_object_add(o, "leaktop_snapshot", json_object_new_int(1));
   json_object_object_add(o, "seq", json_object_new_int64(s->seq));
   json_object_object_add(o, "pid", json_object_new_int(s->pid));
   if (!isnan(s->time))
      json_object_object_add(o, "time", Snapshot_jsonReal(s->time, 6));
   if (s->python[0])
      json_object_object_add(o, "python", json_object_new_string(s->python));
   if (!isnan(s->elapsedMs))
      json_object_object_add(o, "elapsed_ms", Snapshot_jsonReal(s->elapsedMs, 3));
   json_object_object_add(o, "truncated", json_object_new_boolean(s->truncated));
   Snapshot_addCount(o, "rss_kib", s->rssKiB);
   Snapshot_addCount(o, "allocated_blocks", s->allocatedBlocks);
   json_object_object_add(o, "gc", Snapshot_gcJson(s));
   json_object* types = json_object_new_array();
   for (int i = 0; i < s->typeCount; i++) {
      json_object* t = Snapshot_pair(s->types[i].name, s->types[i].count);
      if (s->types[i].shallow >= 0)
         json_object_array_add(t, json_object_new_int64(s->types[i].shallow));
      json_object_array_add(types, t);
   }
   json_object_object_add(o, "types", types);
   Snapshot_addCount(o, "types_total", s->typesTotal);
   if (s->tracemallocKnown)
      json_object_object_add(o, "tracemalloc", Snapshot_tracemallocJson(s));
   if (s->lineCount > 0) {
      json_object* lines = json_object_new_array();
      for (int i = 0; i < s->lineCount; i++) {
         const SnapshotLine* l = &s->lines[i];
         json_object* e = json_object_new_object();
         json_object_object_add(e, "file", json_object_new_string(l->file));
         json_object_object_add(e, "line", json_object_new_int(l->line));
         json_object_object_add(e, "size", json_object_new_int64(l->size));
         json_object_object_add(e, "count", json_object_new_int64(l->count));
         if (l->text)
            json_object_object_add(e, "text", json_object_new_string(l->text));
         json_object_array_add(lines, e);
      }
      json_object_object_add(o, "lines", lines);
   }
   if (s->tracebackCount > 0)
      json_object_object_add(o, "tracebacks", Snapshot_tracebacksJson(s));
   if (s->trimBeforeKiB >= 0) {
      json_object* trim = json_object_new_object();
      Snapshot_addCount(trim, "rss_before_kib", s->trimBeforeKiB);
      Snapshot_addCount(trim, "rss_after_kib", s->trimAfterKiB);
      json_object_object_add(o, "trim", trim);
   }
   json_object* errors = json_object_new_array();
   for (int i = 0; i < s->errorCount; i++)
      json_object_array_add(errors, json_object_new_string(s->errors[i]));
   json_object_object_add(o, "errors", errors);
   if (s->hostPid > 0)
      json_object_object_add(o, "host_pid", json_object_new_int(s->hostPid));
   if (s->startTicks > 0)
      json_object_object_add(o, "start_ticks", json_object_new_int64((int64_t)s->startTicks));
   if (s->route[0])
      json_object_object_add(o, "leaktop_route", json_object_new_string(s->route));
   if (s->number > 0)
      json_object_object_add(o, "leaktop_number", json_object_new_int64(s->number));
   return o;
}

char* Snapshot_serialize(const Snapshot* s) {
   json_object* o = Snapshot_toJson(s);
   char* text = xStrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE));
   json_object_put(o);
   return text;
}
