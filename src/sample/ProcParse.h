#ifndef HEADER_ProcParse
#define HEADER_ProcParse
/* Parsers for the text of /proc and cgroup files. Pure: they take the text
   and return values, so they are tested on recorded inputs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Value of the first line "key value" or "key: value" (units ignored). */
bool ProcParse_keyedValue(const char* text, const char* key, uint64_t* value);

/* A file holding one decimal number (memory.current). */
bool ProcParse_number(const char* text, uint64_t* value);

/* stat's flags bit for kernel threads: PF_KTHREAD (include/linux/sched.h). */
#define PROC_PF_KTHREAD 0x00200000u

/* The fields of /proc/PID/stat leaktop uses. */
typedef struct ProcStat {
   char state;
   pid_t ppid;
   unsigned long flags;           /* PF_KTHREAD marks kernel threads */
   unsigned long long cpuTicks;   /* utime + stime */
   unsigned threads;              /* num_threads */
   unsigned long long startTicks; /* clock ticks after boot */
} ProcStat;

/* Parses /proc/PID/stat; the comm field may hold spaces and ')'. */
bool ProcParse_stat(const char* text, ProcStat* out);

/* The memory and scheduling lines of /proc/PID/status (KiB, counts). */
typedef struct ProcStatus {
   bool memKnown; /* VmRSS present: kernel threads and zombies have none */
   uint64_t rssKiB, anonKiB, fileKiB, shmemKiB;
   bool ctxKnown;
   uint64_t ctxVoluntary, ctxInvoluntary;
   /* Not a status line: the open fds, counted when status is read
      (sample/ProcSampler.c) and cached with it; -errno when unreadable. */
   int fds;
} ProcStatus;

/* Parses /proc/PID/status in one pass over its lines. */
void ProcParse_status(const char* text, ProcStatus* out);

/* The last value of status's "NSpid:" line: the ID the process (or thread)
   has in its own, innermost PID namespace. fallback when there is none
   (kernels before 4.1). */
pid_t ProcParse_nsPid(const char* text, pid_t fallback);

/* The exit_code field (52) of /proc/PID/stat, a wait(2) status; the comm
   field may contain spaces and parentheses, so fields count from the last ')'. */
bool ProcParse_statExitCode(const char* text, int* waitStatus);

/* "exit 3", "killed by SIGKILL", "killed by SIGSEGV (core dumped)". */
void ProcParse_describeWaitStatus(int waitStatus, char* out, size_t outSize);

/* PIDs of a /proc/PID/task/TID/children file; returns how many were stored. */
int ProcParse_childrenList(const char* text, pid_t* out, int max);

/* From /proc/PID/cgroup: the v2 path ("0::/path") and the v1 memory
   controller's path ("N:...memory...:/path"). Empty when absent. */
void ProcParse_cgroupPaths(const char* text, char* v2Path, size_t v2Size, char* v1MemPath,
                           size_t v1Size);

/* From /proc/self/mountinfo: where cgroup2 and the v1 memory controller are
   mounted, and the cgroup root each mount shows. Empty when absent. */
void ProcParse_cgroupMounts(const char* text, char* v2Mount, size_t v2Size, char* v1MemMount,
                            size_t v1Size);

/* A cgroup limit file: "max" (v2) or a v1 value near 2^63 means no limit. */
bool ProcParse_cgroupLimit(const char* text, uint64_t* bytes, bool* limited);

/* The name a person knows a process by, from its raw NUL-separated command
   line: the program, or for an interpreter the script or -m module
   (gunicorn, celery, uwsgi, demo_service). Empty when there is none. */
void ProcParse_commandName(const char* raw, size_t len, char* out, size_t outSize);

/* Does this path name a CPython interpreter or its shared library:
   python3, python3.11, python3.12d, libpython3.11.so.1.0, ...? */
bool ProcParse_isPythonPath(const char* path);

/* Does any mapping of a /proc/PID/maps text come from a Python interpreter? */
bool ProcParse_mapsHavePython(const char* text);

/* TCP states of /proc/net/tcp (include/net/tcp_states.h): 1..11. */
#define PROC_TCP_ESTABLISHED 0x01
#define PROC_TCP_CLOSE_WAIT  0x08
#define PROC_TCP_LISTEN      0x0A
#define PROC_TCP_STATES      12

/* One line of /proc/net/tcp, tcp6, udp or udp6 (one format): the state
   and the socket inode. False for the header line and malformed lines. */
bool ProcParse_inetSocket(const char* line, unsigned* state, unsigned long* inode);

/* The socket inode of one line of /proc/net/unix; false for the header
   and malformed lines. */
bool ProcParse_unixSocket(const char* line, unsigned long* inode);

/* The inode of an fd link target "socket:[12345]"; false for other targets. */
bool ProcParse_socketInode(const char* link, unsigned long* inode);

/* What an fd is, from its /proc/PID/fd link target. */
typedef enum ProcFdKind {
   PROC_FD_FILE,    /* a path: files, devices, directories */
   PROC_FD_SOCKET,  /* socket:[inode] */
   PROC_FD_PIPE,    /* pipe:[inode] */
   PROC_FD_EVENTFD, /* anon_inode:[eventfd] */
   PROC_FD_EPOLL,   /* anon_inode:[eventpoll] */
   PROC_FD_OTHER,   /* timerfd, signalfd, inotify, pidfd, namespaces, ... */
} ProcFdKind;

ProcFdKind ProcParse_fdKind(const char* link);

/* The soft limit of "Max open files" in /proc/PID/limits (RLIMIT_NOFILE);
 *unlimited when it reads "unlimited". False when the line is absent. */
bool ProcParse_openFilesLimit(const char* text, uint64_t* soft, bool* unlimited);

/* The text after "Key:" and its blanks in a status text, or NULL. */
const char* ProcParse_keyedText(const char* text, const char* key);
/* "State:"'s letter ('S', 'T', ...), '?' when absent. */
char ProcParse_statusState(const char* text);
/* The effective user ID (second field of "Uid:"), (uid_t)-1 when absent. */
uid_t ProcParse_effectiveUid(const char* text);
/* A hexadecimal mask line: "SigCgt" (bit N-1 is signal N), "CapEff"
   (bit N is capability N). 0 when absent. */
uint64_t ProcParse_hexMask(const char* text, const char* key);

#endif
