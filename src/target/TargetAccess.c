#include "config.h"

#include "target/TargetAccess.h"

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

static long TargetAccess_number(const char* status, const char* key, long fallback) {
   uint64_t v;
   return ProcParse_keyedValue(status, key, &v) ? (long)v : fallback;
}

bool TargetAccess_check(pid_t pid, bool trace, char* command, size_t commandSize, char* err,
                        size_t errSize) {
   char status[4096], stat[1024];
   command[0] = '\0';
   if (ProcFiles_read(pid, "status", status, sizeof(status)) <= 0) {
      snprintf(err, errSize, "process %d does not exist", (int)pid);
      return false;
   }
   const char* name = ProcParse_keyedText(status, "Name");
   if (name) {
      Text_sanitize(name, strcspn(name, "\n"), command, commandSize);
   }
   if (TargetAccess_number(status, "Tgid", pid) != pid) {
      snprintf(err, errSize, "%d is a thread of process %ld: give the process ID", (int)pid,
               TargetAccess_number(status, "Tgid", 0));
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
               (int)pid, command);
      return false;
   }
   long tracer = TargetAccess_number(status, "TracerPid", 0);
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

static bool TargetAccess_hasPtraceCap(void) {
   char status[4096];
   if (XUtils_readFileAt(AT_FDCWD, "/proc/self/status", status, sizeof(status)) <= 0)
      return false;
   return (ProcParse_hexMask(status, "CapEff") >> CAP_SYS_PTRACE_BIT) & 1;
}

void TargetAccess_explain(pid_t pid, int error, char* err, size_t errSize) {
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
   long uid = TargetAccess_number(status, "Uid", -1);
   long me = (long)geteuid();
   bool cap = TargetAccess_hasPtraceCap();
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
