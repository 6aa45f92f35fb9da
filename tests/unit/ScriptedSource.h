#ifndef HEADER_ScriptedSource
#define HEADER_ScriptedSource
/* A SampleSource a test writes the host into: processes with their memory
   and traffic, a cgroup with a limit and an OOM counter, host memory and a
   clock, changed between ticks. Machine reads it exactly as it reads /proc. */

#include <stdint.h>
#include <sys/types.h>

#include "sample/SampleSource.h"

/* tickSeconds: how far the clock moves per tick; the cgroup is limited to
   limitKiB (0: unlimited); the host has hostKiB, all of it available. */
SampleSource* ScriptedSource_new(double tickSeconds, uint64_t limitKiB, uint64_t hostKiB);

/* Starts a process now: its start ticks are the clock's, in hertz. */
void ScriptedSource_spawn(SampleSource* this, pid_t pid, pid_t ppid, const char* name,
                          uint64_t rssKiB);
void ScriptedSource_setRss(SampleSource* this, pid_t pid, uint64_t rssKiB);
/* Traffic pid serves in each tick from now on. */
void ScriptedSource_setTraffic(SampleSource* this, pid_t pid, double perTick);
/* The process ends: a zombie telling how (NULL: it vanishes at once). */
void ScriptedSource_exit(SampleSource* this, pid_t pid, const char* how);
/* The zombie is reaped: gone from every listing. */
void ScriptedSource_reap(SampleSource* this, pid_t pid);
/* The cgroup's memory.events counts one more oom_kill. */
void ScriptedSource_oomKill(SampleSource* this);
/* Moves the clock on by seconds without a tick (a host that ran while no
   leaktop watched it). */
void ScriptedSource_advance(SampleSource* this, double seconds);
uint64_t ScriptedSource_rss(const SampleSource* this, pid_t pid);
/* The hash of pid's stat text from now on (0, the default: none, as a
   recording has); equal hashes say the process did not run. */
void ScriptedSource_setStatHash(SampleSource* this, pid_t pid, uint64_t hash);
/* pid exec's: its exec identity (sample/CodeProbe.h) from now on, which
   the children it forks later inherit. 0 (the default): unknown. */
void ScriptedSource_exec(SampleSource* this, pid_t pid, uint64_t execId, uint64_t exeId);
/* How many times pid's children list was read. */
int ScriptedSource_childrenReads(const SampleSource* this, pid_t pid);
/* pid's open fds, closeWait of them TCP sockets in CLOSE_WAIT and the rest
   files, and its threads, from now on; its RLIMIT_NOFILE is 1024. */
void ScriptedSource_setFds(SampleSource* this, pid_t pid, uint32_t fds, uint32_t closeWait,
                           unsigned threads);
/* pid's fd directory cannot be read, with errno err, from now on. */
void ScriptedSource_hideFds(SampleSource* this, pid_t pid, int err);
/* How many times what pid's fds are was read. */
int ScriptedSource_fdReads(const SampleSource* this, pid_t pid);

#endif
