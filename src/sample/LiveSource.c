#include "config.h"

#include "sample/LiveSource.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sample/CodeProbe.h"
#include "sample/HostMemory.h"
#include "sample/ProcFiles.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

static ProcSampler* LiveSource_sampler(SampleSource* this) {
   return (ProcSampler*)this->priv;
}

static void LiveSource_clock(SampleSource* this, double* monotonic, double* wall) {
   (void)this;
   *monotonic = XUtils_monotonicNow();
   *wall = XUtils_wallNow();
}

static int LiveSource_listHost(SampleSource* this, ProcSample** out) {
   return ProcSampler_listAll(LiveSource_sampler(this), out);
}

static bool LiveSource_command(SampleSource* this, pid_t pid, char* text, size_t textSize,
                               char* name, size_t nameSize) {
   (void)this;
   return ProcFiles_command(pid, text, textSize, name, nameSize);
}

static bool LiveSource_isPython(SampleSource* this, pid_t pid) {
   (void)this;
   return ProcFiles_isPython(pid);
}

static int LiveSource_children(SampleSource* this, pid_t pid, pid_t** pids, int n, int* capacity) {
   (void)this;
   return ProcFiles_children(pid, pids, n, capacity);
}

static int LiveSource_sample(SampleSource* this, const pid_t* pids, int n, ProcSample* out) {
   return ProcSampler_sample(LiveSource_sampler(this), pids, n, out);
}

static void LiveSource_smaps(SampleSource* this, const pid_t* pids, int n, SmapsSample* out) {
   ProcSampler_smaps(LiveSource_sampler(this), pids, n, out);
}

static void LiveSource_fds(SampleSource* this, const pid_t* pids, int n, FdSample* out) {
   ProcSampler_fds(LiveSource_sampler(this), pids, n, out);
}

static bool LiveSource_openFilesLimit(SampleSource* this, pid_t pid, uint64_t* soft,
                                      bool* unlimited) {
   (void)this;
   return ProcFiles_openFilesLimit(pid, soft, unlimited);
}

static void LiveSource_locateCgroup(SampleSource* this, pid_t pid, CgroupStatus* out) {
   (void)this;
   Cgroup_locate(pid, out);
}

static void LiveSource_refreshCgroup(SampleSource* this, CgroupStatus* status) {
   (void)this;
   Cgroup_refresh(status);
}

static bool LiveSource_hostMemory(SampleSource* this, uint64_t* totalKiB, uint64_t* availableKiB) {
   (void)this;
   return HostMemory_read(totalKiB, availableKiB);
}

static bool LiveSource_exitOf(SampleSource* this, pid_t pid, char* how, size_t size) {
   (void)this;
   return ProcFiles_exitDescription(pid, how, size);
}

static void LiveSource_explainAbsent(SampleSource* this, pid_t pid, char* err, size_t errSize) {
   (void)this;
   /* The PID answers a signal check but /proc does not list it. */
   if (kill(pid, 0) == 0 || errno == EPERM)
      snprintf(err, errSize,
               "PID %d exists but /proc does not show it: /proc is mounted with hidepid, "
               "or the process is in another PID namespace; run leaktop as root in the "
               "same namespace (or as a member of /proc's gid= group)",
               (int)pid);
   else
      snprintf(err, errSize, "no process with PID %d", (int)pid);
}

static TrafficSource* LiveSource_newTraffic(SampleSource* this, const char* spec, char* err,
                                            size_t errSize) {
   (void)this;
   return Traffic_new(spec, err, errSize);
}

static void LiveSource_delete(SampleSource* this) {
   ProcSampler_delete(LiveSource_sampler(this));
   HostMemory_done();
   free(this);
}

static bool LiveSource_code(SampleSource* this, pid_t pid, bool files, CodeFacts* out) {
   (void)this;
   return CodeProbe_read(pid, files, out);
}

static const SampleSourceClass LiveSource_class = {
      .name = "live",
      .clock = LiveSource_clock,
      .listHost = LiveSource_listHost,
      .command = LiveSource_command,
      .isPython = LiveSource_isPython,
      .children = LiveSource_children,
      .sample = LiveSource_sample,
      .smaps = LiveSource_smaps,
      .fds = LiveSource_fds,
      .openFilesLimit = LiveSource_openFilesLimit,
      .locateCgroup = LiveSource_locateCgroup,
      .refreshCgroup = LiveSource_refreshCgroup,
      .hostMemory = LiveSource_hostMemory,
      .exitOf = LiveSource_exitOf,
      .explainAbsent = LiveSource_explainAbsent,
      .newTraffic = LiveSource_newTraffic,
      .code = LiveSource_code,
      .delete = LiveSource_delete,
};

SampleSource* LiveSource_new(void) {
   SampleSource* this = xCalloc(1, sizeof(*this));
   this->klass = &LiveSource_class;
   this->bootTime = ProcFiles_bootTime();
   this->hertz = ProcSampler_hertz();
   this->self = getpid();
   this->priv = ProcSampler_new();
   return this;
}
