#include "config.h"

#include "traffic/Traffic.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "traffic/TrafficCounters.h"
#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

/* A command the operator names prints request counters: "PID COUNT" lines
   per worker, or one number for the whole tree. It runs once per tick
   through /bin/sh -c, in its own process group, and is killed when it does
   not finish in time, so a hung exporter cannot stall the screen. */

#define CMD_TIMEOUT_SECONDS 0.5
#define CMD_OUTPUT_MAX      65536

extern char** environ;

typedef struct CmdSource {
   char* command;
   TrafficCounters counters;
} CmdSource;

/* Runs the command; its output (NUL-terminated) in out. False when it could
   not run, timed out, or did not exit with status 0. */
static bool CmdSource_run(const CmdSource* this, char* out, size_t size) {
   int pipefd[2];
   if (pipe2(pipefd, O_CLOEXEC) < 0)
      return false;
   posix_spawn_file_actions_t actions;
   posix_spawn_file_actions_init(&actions);
   posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
   posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
   posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
   posix_spawnattr_t attr;
   posix_spawnattr_init(&attr);
   posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
   posix_spawnattr_setpgroup(&attr, 0);
   char* argv[] = {"sh", "-c", this->command, NULL};
   pid_t pid;
   int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
   posix_spawn_file_actions_destroy(&actions);
   posix_spawnattr_destroy(&attr);
   close(pipefd[1]);
   if (rc != 0) {
      close(pipefd[0]);
      return false;
   }
   size_t used = 0;
   double deadline = XUtils_monotonicNow() + CMD_TIMEOUT_SECONDS;
   bool timedOut = false;
   for (;;) {
      double left = deadline - XUtils_monotonicNow();
      struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
      int ready = left > 0 ? poll(&pfd, 1, (int)(left * 1000) + 1) : 0;
      if (ready < 0 && errno == EINTR)
         continue;
      if (ready <= 0) {
         timedOut = true;
         break;
      }
      char scratch[4096];
      bool room = used < size - 1;
      ssize_t n =
            read(pipefd[0], room ? out + used : scratch, room ? size - 1 - used : sizeof(scratch));
      if (n < 0 && errno == EINTR)
         continue;
      if (n <= 0)
         break;
      if (room)
         used += (size_t)n;
   }
   close(pipefd[0]);
   out[used] = '\0';
   if (timedOut)
      kill(-pid, SIGKILL); /* the group this command leads, and only it */
   int status;
   while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR)
         return false;
   return !timedOut && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void CmdSource_sample(TrafficSource* source, const TrafficInput* in) {
   CmdSource* this = source->priv;
   TrafficCounters_beginTick(&this->counters);
   char* out = xMalloc(CMD_OUTPUT_MAX);
   if (CmdSource_run(this, out, CMD_OUTPUT_MAX)) {
      const char* text = out;
      char line[256];
      while (TrafficParse_nextLine(&text, line, sizeof(line))) {
         pid_t pid;
         double count, delta;
         int kind = TrafficParse_counterLine(line, &pid, &count);
         if (kind == 1) {
            if (TrafficCounters_advance(&this->counters, 0, 0, count, &delta))
               Traffic_creditTree(in, delta);
         } else if (kind == 2) {
            Process* p = Traffic_findProcess(in, pid);
            if (p && TrafficCounters_advance(&this->counters, pid, p->startTicks, count, &delta))
               Traffic_credit(p, delta);
         }
      }
      /* Counters not printed belong to ended processes, or start again. */
      TrafficCounters_prune(&this->counters);
   }
   free(out);
}

static bool CmdSource_init(TrafficSource* source, const char* arg, char* err, size_t errSize) {
   (void)err;
   (void)errSize;
   CmdSource* this = xCalloc(1, sizeof(CmdSource));
   this->command = xStrdup(arg);
   source->priv = this;
   return true;
}

static void CmdSource_free(TrafficSource* source) {
   CmdSource* this = source->priv;
   free(this->command);
   TrafficCounters_done(&this->counters);
   free(this);
}

const TrafficSourceClass CmdSource_class = {
      .name = "cmd",
      .argument = "COMMAND",
      .display = "command counter",
      .unit = "requests",
      .idlePerSecond = 0,
      .init = CmdSource_init,
      .sample = CmdSource_sample,
      .free = CmdSource_free,
};
