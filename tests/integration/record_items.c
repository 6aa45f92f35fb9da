/* Prints what a recording holds, one line per item, for test_record.sh to
   check with grep and awk: "tick WALL_US TREES PROCS", "event KIND SCOPE
   PID TEXT" (TEXT: an exit's how, an info's name, for a snapshot or profile
   "STATUS SIZE INLINE_BYTES ROUTE", else -), and "hole WHY". With
   --result KIND PID, only the inline result of the last such event, as
   stored. Exit status 1 when the recording cannot be opened (the reason
   on stderr), or with --result when there is no such result. */
#include "config.h"

#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "record/RecordReader.h"

static long long record_items_number(const RecordEvent* e, unsigned id) {
   const RecordAttr* a = RecordEvent_attr(e, id);
   return a && !a->isBytes ? (long long)a->number : -1;
}

/* A snapshot or profile: its status, size, inline bytes and route. */
static void record_items_result(const RecordEvent* e) {
   char route[64];
   if (!RecordEvent_text(e, ATTR_RESULT_ROUTE, route, sizeof(route)) || !route[0])
      snprintf(route, sizeof(route), "-");
   const RecordAttr* inl = RecordEvent_attr(e, ATTR_RESULT_INLINE);
   printf("event %u %d %llu %lld %lld %zu %s\n", e->kind, (int)e->scope,
          (unsigned long long)e->key[0], record_items_number(e, ATTR_RESULT_STATUS),
          record_items_number(e, ATTR_RESULT_SIZE), inl && inl->isBytes ? inl->size : 0, route);
}

static void record_items_event(const RecordEvent* e) {
   if (e->kind == EVENT_SNAPSHOT || e->kind == EVENT_PROFILE) {
      record_items_result(e);
      return;
   }
   char text[200];
   unsigned id = e->kind == EVENT_PROCESS_EXIT ? ATTR_EXIT_TEXT : 1;
   if (!RecordEvent_text(e, id, text, sizeof(text)) || !text[0])
      snprintf(text, sizeof(text), "-");
   printf("event %u %d %llu %s\n", e->kind, (int)e->scope, (unsigned long long)e->key[0], text);
}

/* --result: the last inline result of kind for pid, kept until the end
   (the reader's bytes live only until its next item). */
static char* record_items_keep(char* kept, size_t* keptSize, const RecordEvent* e, unsigned kind,
                               unsigned long long pid) {
   const RecordAttr* inl = RecordEvent_attr(e, ATTR_RESULT_INLINE);
   if (e->kind != kind || e->key[0] != pid || !inl || !inl->isBytes)
      return kept;
   free(kept);
   kept = malloc(inl->size + 1);
   memcpy(kept, inl->bytes, inl->size);
   *keptSize = inl->size;
   return kept;
}

int main(int argc, char** argv) {
   bool result = argc == 5 && strcmp(argv[1], "--result") == 0;
   if (argc != 2 && !result) {
      fputs("usage: record_items DIR\n   or: record_items --result KIND PID DIR\n", stderr);
      return 2;
   }
   unsigned kind = result ? (unsigned)atoi(argv[2]) : 0;
   unsigned long long pid = result ? strtoull(argv[3], NULL, 10) : 0;
   char* kept = NULL;
   size_t keptSize = 0;
   char err[512];
   RecordReader* r = RecordReader_open(argv[argc - 1], RECORD_TIER_1S, err, sizeof(err));
   if (!r) {
      fprintf(stderr, "record_items: %s\n", err);
      return 1;
   }
   RecordItem item;
   RecordItemType type;
   while ((type = RecordReader_next(r, &item)) != RECORD_ITEM_END) {
      if (result) {
         if (type == RECORD_ITEM_EVENT)
            kept = record_items_keep(kept, &keptSize, item.event, kind, pid);
      } else if (type == RECORD_ITEM_TICK)
         printf("tick %lld %d %d\n", (long long)item.tick->wallUs, item.tick->treeCount,
                item.tick->procCount);
      else if (type == RECORD_ITEM_EVENT)
         record_items_event(item.event);
      else
         printf("hole %s%s\n", item.hole.tail ? "(tail) " : "", item.hole.why);
   }
   RecordReader_delete(r);
   if (result) {
      if (kept)
         fwrite(kept, 1, keptSize, stdout);
      free(kept);
      return kept ? 0 : 1;
   }
   return 0;
}
