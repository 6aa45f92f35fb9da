#include "config.h"

#include "stacks/StackTarget.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"
#include "util/Text.h"
#include "util/XUtils.h"

void StackTarget_threads(pid_t pid, StackDump* dump) {
   char text[4096];
   /* Threads share their process's PID namespace: only a process in
      another one needs each thread's status read for its NSpid. */
   bool nested =
         ProcFiles_read(pid, "status", text, sizeof(text)) > 0 && ProcParse_nsPid(text, pid) != pid;
   DIR* dir = ProcFiles_openDir(pid, "task");
   if (!dir)
      return;
   struct dirent* entry;
   while ((entry = readdir(dir)) != NULL) {
      pid_t tid = (pid_t)atoi(entry->d_name);
      if (tid <= 0)
         continue;
      dump->threads = xReallocArray(dump->threads, (size_t)dump->count + 1, sizeof(StackThread));
      StackThread* t = &dump->threads[dump->count++];
      memset(t, 0, sizeof(*t));
      t->tid = tid;
      t->nsTid = tid;
      t->state = '?';
      char file[64];
      snprintf(file, sizeof(file), "task/%d/stat", (int)tid);
      ProcStat st;
      if (ProcFiles_read(pid, file, text, sizeof(text)) > 0 && ProcParse_stat(text, &st)) {
         t->state = st.state;
         /* The name is stat's comm field, between the first '(' and the
            last ')' (it may hold both). */
         const char* open = strchr(text, '(');
         const char* close = strrchr(text, ')');
         if (open && close > open)
            Text_sanitize(open + 1, (size_t)(close - open - 1), t->name, sizeof(t->name));
      }
      if (nested) {
         snprintf(file, sizeof(file), "task/%d/status", (int)tid);
         if (ProcFiles_read(pid, file, text, sizeof(text)) > 0)
            t->nsTid = ProcParse_nsPid(text, tid);
      }
   }
   closedir(dir);
}
