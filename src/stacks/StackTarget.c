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

#define CAP_SYS_PTRACE_BIT 19

static long StackTarget_number(const char* status, const char* key, long fallback) {
   uint64_t v;
   return ProcParse_keyedValue(status, key, &v) ? (long)v : fallback;
}

bool StackTarget_check(pid_t pid, bool trace, StackDump* dump, char* err, size_t errSize) {
   char status[4096], stat[1024];
   dump->pid = pid;
   if (ProcFiles_read(pid, "status", status, sizeof(status)) <= 0) {
      snprintf(err, errSize, "process %d does not exist", (int)pid);
      return false;
   }
   const char* name = ProcParse_keyedText(status, "Name");
   if (name) {
      Text_sanitize(name, strcspn(name, "\n"), dump->command, sizeof(dump->command));
   }
   if (StackTarget_number(status, "Tgid", pid) != pid) {
      snprintf(err, errSize, "%d is a thread of process %ld: give the process ID", (int)pid,
               StackTarget_number(status, "Tgid", 0));
      return false;
   }
   ProcStat st = {.state = '?'};
   if (ProcFiles_read(pid, "stat", stat, sizeof(stat)) <= 0 || !ProcParse_stat(stat, &st))
      st.state = '?';
   char state = st.state;
   unsigned long flags = st.flags;
   if (state == 'Z' || state == 'X') {
      snprintf(err, errSize,
               "process %d is a zombie: it has exited and waits for its parent to "
               "reap it; there is no stack to read",
               (int)pid);
      return false;
   }
   if (flags & PROC_PF_KTHREAD) {
      snprintf(err, errSize, "process %d (%s) is a kernel thread: it has no user-space stack",
               (int)pid, dump->command);
      return false;
   }
   long tracer = StackTarget_number(status, "TracerPid", 0);
   if (trace && tracer > 0) {
      char comm[64] = "?";
      if (ProcFiles_read((pid_t)tracer, "comm", comm, sizeof(comm)) > 0)
         comm[strcspn(comm, "\n")] = '\0';
      snprintf(err, errSize,
               "process %d is already traced by process %ld (%s), and a process "
               "has only one tracer: detach that one, or use --python-only, "
               "which does not trace",
               (int)pid, tracer, comm);
      return false;
   }
   return true;
}

static bool StackTarget_hasPtraceCap(void) {
   char status[4096];
   if (XUtils_readFileAt(AT_FDCWD, "/proc/self/status", status, sizeof(status)) <= 0)
      return false;
   return (ProcParse_hexMask(status, "CapEff") >> CAP_SYS_PTRACE_BIT) & 1;
}

void StackTarget_explain(pid_t pid, int error, char* err, size_t errSize) {
   char path[64], status[4096];
   char state = '?';
   bool read = error != ESRCH && ProcFiles_read(pid, "status", status, sizeof(status)) > 0;
   if (read)
      state = ProcParse_statusState(status);
   /* Attaching to a process that is exiting fails with EPERM too. */
   if (!read || state == 'Z' || state == 'X') {
      snprintf(err, errSize, "process %d exited", (int)pid);
      return;
   }
   if (error != EPERM && error != EACCES) {
      snprintf(err, errSize, "cannot read process %d: %s", (int)pid, strerror(error));
      return;
   }
   long uid = StackTarget_number(status, "Uid", -1);
   long me = (long)geteuid();
   bool cap = StackTarget_hasPtraceCap();
   char yama[16] = "";
   XUtils_readFileAt(AT_FDCWD, "/proc/sys/kernel/yama/ptrace_scope", yama, sizeof(yama));
   struct stat st;
   snprintf(path, sizeof(path), "/proc/%d", (int)pid);
   /* A non-dumpable process's /proc files belong to root. */
   bool dumpable = stat(path, &st) != 0 || (long)st.st_uid == uid;
   if (uid != me && !cap)
      snprintf(err, errSize,
               "not permitted to read process %d: it runs as uid %ld and leaktop as "
               "uid %ld without CAP_SYS_PTRACE; run leaktop as root or as uid %ld",
               (int)pid, uid, me, uid);
   else if (!dumpable && !cap)
      snprintf(err, errSize,
               "not permitted to read process %d: it is not dumpable (it changed "
               "user, as workers started by root do); run leaktop as root",
               (int)pid);
   else if (atoi(yama) > 0 && !cap)
      snprintf(err, errSize,
               "not permitted to read process %d: Yama ptrace_scope is %d, which "
               "allows only descendants; run leaktop as root, or set "
               "kernel.yama.ptrace_scope=0",
               (int)pid, atoi(yama));
   else
      snprintf(err, errSize,
               "not permitted to read process %d (%s); in a container, add the "
               "SYS_PTRACE capability (docker --cap-add SYS_PTRACE)",
               (int)pid, strerror(error));
}

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
