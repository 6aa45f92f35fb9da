#include "config.h"

#include "inject/Inject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <unistd.h>

void InjectReport_init(InjectReport* report) {
   memset(report, 0, sizeof(*report));
   report->mainSyscall = -1;
}

void InjectReport_pauses(InjectReport* report, const PtraceThreads* pt) {
   report->threads = pt->count;
   for (int i = 0; i < pt->count; i++)
      if (pt->threads[i].pauseMs > report->pauseMs)
         report->pauseMs = pt->threads[i].pauseMs;
}

bool InjectReport_mainThread(InjectReport* report, const PtraceThreads* pt, uint64_t* fsBase) {
   struct user_regs_struct regs;
   if (!PtraceThreads_isStopped(pt, pt->pid) || ptrace(PTRACE_GETREGS, pt->pid, NULL, &regs) < 0)
      return false;
   report->mainSyscall = (long long)regs.orig_rax >= 0 ? (long)regs.orig_rax : -1;
   *fsBase = regs.fs_base;
   return true;
}

void Inject_testPause(const char* stage) {
   const char* want = getenv("LEAKTOP_TEST_PAUSE");
   if (!want || strcmp(want, stage) != 0)
      return;
   fprintf(stderr, "leaktop: test pause at %s\n", stage);
   for (;;)
      pause();
}
