#include "config.h"

#include "demo/Demo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/XUtils.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/leaktop"
#endif

#define DEMO_PYTHON       "python3"
#define DEMO_PORT_TIMEOUT 10.0 /* seconds for the service to report its port */
#define DEMO_STOP_GRACE   3.0  /* seconds between SIGTERM and SIGKILL */
#define DEMO_EARLY_EXIT   1.0  /* seconds to collect a child that closed its stdout */

struct Demo {
   pid_t servicePid;
   pid_t loadPid;
   int port;
};

/* One demo per leaktop: a static instance needs no freeing, so Demo_stop can
   be called twice (error paths, then normal exit) without a dangling pointer. */
static Demo Demo_instance;
static bool Demo_inUse;

static void Demo_sleep(double seconds) {
   struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
   while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
      ;
}

/* Waits up to grace seconds for pid; returns true and fills *status when it
   was reaped (status -1 if it was already reaped elsewhere, e.g. SIGCHLD
   ignored). */
static bool Demo_waitFor(pid_t pid, double grace, int* status) {
   double deadline = XUtils_monotonicNow() + grace;
   for (;;) {
      pid_t r = waitpid(pid, status, WNOHANG);
      if (r == pid)
         return true;
      if (r < 0 && errno != EINTR) {
         *status = -1;
         return true;
      }
      if (XUtils_monotonicNow() >= deadline)
         return false;
      Demo_sleep(0.02);
   }
}

/* SIGTERM lets the master stop its workers itself; SIGKILL on its process
   group (the workers share it) is the fallback for a master that hangs. The
   child is not reaped yet, so neither its PID nor its group can be reused. */
static void Demo_end(pid_t pid, double grace) {
   if (pid <= 0)
      return;
   int status;
   kill(pid, SIGTERM);
   if (Demo_waitFor(pid, grace, &status))
      return;
   kill(-pid, SIGKILL);
   kill(pid, SIGKILL);
   while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
}

static void Demo_describeExit(int status, char* buf, size_t size) {
   if (status < 0)
      snprintf(buf, size, "exited");
   else if (WIFSIGNALED(status))
      snprintf(buf, size, "was killed by signal %d", WTERMSIG(status));
   else
      snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
}

/* Child side of Demo_spawn; never returns. */
static void Demo_execChild(char* const argv[], int outFd, int reportFd, pid_t parent) {
   /* Own process group: a ^C meant for leaktop's terminal does not reach the
      demo, and leaktop can end the whole group. */
   setpgid(0, 0);
   /* A SIGKILLed leaktop still takes the demo down. The death signal fires
      when the forking thread exits, so Demo_start belongs on the main thread.
      Re-check the parent: it may have died before prctl took effect. */
   prctl(PR_SET_PDEATHSIG, SIGTERM);
   if (getppid() != parent)
      _exit(127);

   /* Dispositions and the mask survive exec: undo whatever leaktop set up. */
   sigset_t none;
   sigemptyset(&none);
   sigprocmask(SIG_SETMASK, &none, NULL);
   signal(SIGTERM, SIG_DFL);
   signal(SIGINT, SIG_DFL);
   signal(SIGPIPE, SIG_DFL);
   signal(SIGCHLD, SIG_DFL);

   /* The terminal belongs to the TUI: nothing of the demo goes to it. */
   int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
   if (devNull < 0 || dup2(devNull, STDIN_FILENO) < 0 ||
       dup2(outFd >= 0 ? outFd : devNull, STDOUT_FILENO) < 0 || dup2(devNull, STDERR_FILENO) < 0) {
      int e = errno;
      (void)!write(reportFd, &e, sizeof(e));
      _exit(127);
   }
#ifdef CLOSE_RANGE_CLOEXEC
   /* Keep leaktop's own descriptors (terminal, /proc directories) out of the demo. */
   close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
   execvp(argv[0], argv);
   int e = errno;
   (void)!write(reportFd, &e, sizeof(e));
   _exit(127);
}

/* Starts argv (argv[0] searched in PATH) with stdout on outFd, or /dev/null
   when outFd < 0. Returns the PID, or -1 with err filled: a failed exec is
   reported through a close-on-exec pipe, so "python3 not found" is told apart
   from a script that fails later. */
static pid_t Demo_spawn(char* const argv[], int outFd, char* err, size_t errSize) {
   int report[2];
   if (pipe2(report, O_CLOEXEC) < 0) {
      snprintf(err, errSize, "pipe: %s", strerror(errno));
      return -1;
   }
   pid_t parent = getpid();
   pid_t pid = fork();
   if (pid < 0) {
      snprintf(err, errSize, "fork: %s", strerror(errno));
      close(report[0]);
      close(report[1]);
      return -1;
   }
   if (pid == 0) {
      close(report[0]);
      Demo_execChild(argv, outFd, report[1], parent);
   }
   close(report[1]);
   int childErrno = 0;
   ssize_t n;
   while ((n = read(report[0], &childErrno, sizeof(childErrno))) < 0 && errno == EINTR)
      ;
   close(report[0]);
   if (n == (ssize_t)sizeof(childErrno)) {
      int status;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
         ;
      if (childErrno == ENOENT)
         snprintf(err, errSize, "cannot run %s: not found in PATH (install python3)", argv[0]);
      else
         snprintf(err, errSize, "cannot run %s: %s", argv[0], strerror(childErrno));
      return -1;
   }
   return pid;
}

/* Reads the service's "PORT <n>" line from fd within DEMO_PORT_TIMEOUT.
   Returns the port, or -1 with err filled (the service is left to the caller). */
static int Demo_readPort(int fd, pid_t pid, const char* script, char* err, size_t errSize) {
   char buf[256];
   size_t used = 0;
   double deadline = XUtils_monotonicNow() + DEMO_PORT_TIMEOUT;
   for (;;) {
      char* nl = memchr(buf, '\n', used);
      if (nl) {
         *nl = '\0';
         int port;
         char extra;
         if (sscanf(buf, "PORT %d%c", &port, &extra) == 1 && port > 0 && port < 65536)
            return port;
         snprintf(err, errSize, "the demo service (%s) printed \"%.64s\" instead of its port",
                  script, buf);
         return -1;
      }
      if (used + 1 >= sizeof(buf)) {
         snprintf(err, errSize, "the demo service (%s) printed a garbled port line", script);
         return -1;
      }
      double left = deadline - XUtils_monotonicNow();
      if (left <= 0) {
         snprintf(err, errSize, "the demo service (%s) did not report its port within %.0f s",
                  script, DEMO_PORT_TIMEOUT);
         return -1;
      }
      struct pollfd pfd = {.fd = fd, .events = POLLIN};
      int r = poll(&pfd, 1, (int)(left * 1000) + 1);
      if (r < 0 && errno != EINTR) {
         snprintf(err, errSize, "poll: %s", strerror(errno));
         return -1;
      }
      if (r <= 0)
         continue;
      ssize_t n = read(fd, buf + used, sizeof(buf) - 1 - used);
      if (n < 0 && errno == EINTR)
         continue;
      if (n <= 0) {
         /* stdout closed before the port line: the script failed to start. */
         int status;
         char how[64] = "closed its output";
         if (Demo_waitFor(pid, DEMO_EARLY_EXIT, &status))
            Demo_describeExit(status, how, sizeof(how));
         snprintf(err, errSize,
                  "the demo service %s before listening (run %s %s --port 0 to see why)", how,
                  DEMO_PYTHON, script);
         return -1;
      }
      used += (size_t)n;
   }
}

/* Where demo_service.py lives: $LEAKTOP_DATADIR (tests, running from the
   source tree), else the install data directory. */
static bool Demo_scriptPath(const char* name, char* path, size_t size, char* err, size_t errSize) {
   const char* dir = getenv("LEAKTOP_DATADIR");
   const char* from = "LEAKTOP_DATADIR";
   if (!dir || !*dir) {
      dir = PKGDATADIR;
      from = "the install data directory";
   }
   int n = snprintf(path, size, "%s/%s", dir, name);
   if (n < 0 || (size_t)n >= size) {
      snprintf(err, errSize, "the data directory path is too long");
      return false;
   }
   if (access(path, R_OK) < 0) {
      snprintf(err, errSize,
               "cannot read %s (from %s): %s; set LEAKTOP_DATADIR to the directory"
               " holding demo_service.py",
               path, from, strerror(errno));
      return false;
   }
   return true;
}

Demo* Demo_start(char* err, size_t errSize) {
   if (Demo_inUse) {
      snprintf(err, errSize, "the demo is already running");
      return NULL;
   }
   char service[PATH_MAX];
   char load[PATH_MAX];
   if (!Demo_scriptPath("demo_service.py", service, sizeof(service), err, errSize) ||
       !Demo_scriptPath("demo_load.py", load, sizeof(load), err, errSize))
      return NULL;

   int portPipe[2];
   if (pipe2(portPipe, O_CLOEXEC) < 0) {
      snprintf(err, errSize, "pipe: %s", strerror(errno));
      return NULL;
   }
   char* serviceArgv[] = {DEMO_PYTHON, service, "--port", "0", NULL};
   pid_t servicePid = Demo_spawn(serviceArgv, portPipe[1], err, errSize);
   close(portPipe[1]);
   if (servicePid < 0) {
      close(portPipe[0]);
      return NULL;
   }
   int port = Demo_readPort(portPipe[0], servicePid, service, err, errSize);
   /* Nothing more comes on stdout; closing our end is harmless to the service. */
   close(portPipe[0]);
   if (port < 0) {
      Demo_end(servicePid, DEMO_STOP_GRACE);
      return NULL;
   }

   char portText[16];
   snprintf(portText, sizeof(portText), "%d", port);
   char* loadArgv[] = {DEMO_PYTHON, load, "--port", portText, "--quiet", NULL};
   pid_t loadPid = Demo_spawn(loadArgv, -1, err, errSize);
   if (loadPid < 0) {
      Demo_end(servicePid, DEMO_STOP_GRACE);
      return NULL;
   }

   Demo* this = &Demo_instance;
   this->servicePid = servicePid;
   this->loadPid = loadPid;
   this->port = port;
   Demo_inUse = true;
   return this;
}

pid_t Demo_masterPid(const Demo* this) {
   return this ? this->servicePid : 0;
}

void Demo_stop(Demo* this) {
   if (!this)
      return;
   /* Load first, so the service is not serving while it shuts down. */
   Demo_end(this->loadPid, DEMO_STOP_GRACE);
   this->loadPid = 0;
   Demo_end(this->servicePid, DEMO_STOP_GRACE);
   this->servicePid = 0;
   Demo_inUse = false;
}
