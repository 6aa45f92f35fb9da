/* Prints what a recording holds, one line per item, for test_record.sh to
   check with grep and awk: "tick WALL_US TREES PROCS", "event KIND SCOPE
   PID TEXT" (TEXT: an exit's how, an info's name, else -), and "hole WHY".
   Exit status 1 when the recording cannot be opened (the reason on stderr). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "record/RecordReader.h"

static void record_items_event(const RecordEvent* e) {
   char text[200];
   unsigned id = e->kind == EVENT_PROCESS_EXIT ? ATTR_EXIT_TEXT : 1;
   if (!RecordEvent_text(e, id, text, sizeof(text)) || !text[0])
      snprintf(text, sizeof(text), "-");
   printf("event %u %d %llu %s\n", e->kind, (int)e->scope, (unsigned long long)e->key[0], text);
}

int main(int argc, char** argv) {
   if (argc != 2) {
      fputs("usage: record_items DIR\n", stderr);
      return 2;
   }
   char err[512];
   RecordReader* r = RecordReader_open(argv[1], RECORD_TIER_1S, err, sizeof(err));
   if (!r) {
      fprintf(stderr, "record_items: %s\n", err);
      return 1;
   }
   RecordItem item;
   RecordItemType type;
   while ((type = RecordReader_next(r, &item)) != RECORD_ITEM_END) {
      if (type == RECORD_ITEM_TICK)
         printf("tick %lld %d %d\n", (long long)item.tick->wallUs, item.tick->treeCount,
                item.tick->procCount);
      else if (type == RECORD_ITEM_EVENT)
         record_items_event(item.event);
      else
         printf("hole %s%s\n", item.hole.tail ? "(tail) " : "", item.hole.why);
   }
   RecordReader_delete(r);
   return 0;
}
