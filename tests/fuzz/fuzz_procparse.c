/* Fuzz target: arbitrary bytes as any /proc or cgroup file leaktop parses
   (src/sample/ProcParse.c, src/sample/CodeProbe.c): stat, status, smaps_rollup, maps, cgroup,
   mountinfo, children lists, command lines, limit files, the socket
   tables of /proc/net and fd link targets. Every parser
   gets every input, since the kernel, a container runtime or a hostile
   process name decides what the text holds, not the file's name. The seeds
   are real files of this kind of machine in tests/fuzz/corpus/proc. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_driver.h"
#include "sample/CodeProbe.h"
#include "sample/ProcParse.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   /* /proc reads are NUL-terminated by ProcFiles; a NUL inside ends the text. */
   char* text = malloc(size + 1);
   if (!text)
      return 0;
   memcpy(text, data, size);
   text[size] = '\0';

   uint64_t value;
   ProcParse_keyedValue(text, "Rss", &value);
   ProcParse_keyedValue(text, "Private_Dirty", &value);
   ProcParse_number(text, &value);
   ProcStat stat;
   ProcParse_stat(text, &stat);
   CodeProbe_parseExecId(text, &value);
   int waitStatus;
   if (ProcParse_statExitCode(text, &waitStatus)) {
      char how[64];
      ProcParse_describeWaitStatus(waitStatus, how, sizeof(how));
   }
   ProcStatus status;
   ProcParse_status(text, &status);
   ProcParse_nsPid(text, 1);
   ProcParse_keyedText(text, "Name");
   ProcParse_statusState(text);
   ProcParse_effectiveUid(text);
   ProcParse_hexMask(text, "SigCgt");
   ProcParse_hexMask(text, "CapEff");

   pid_t pids[16];
   ProcParse_childrenList(text, pids, 16);
   char v2[128], v1[128];
   ProcParse_cgroupPaths(text, v2, sizeof(v2), v1, sizeof(v1));
   ProcParse_cgroupMounts(text, v2, sizeof(v2), v1, sizeof(v1));
   bool limited;
   ProcParse_cgroupLimit(text, &value, &limited);
   ProcParse_mapsHavePython(text);
   ProcParse_isPythonPath(text);
   bool unlimited;
   ProcParse_openFilesLimit(text, &value, &unlimited);
   ProcParse_fdKind(text);
   /* The socket tables and fd links are read line by line. */
   for (const char* line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
      unsigned tcpState;
      unsigned long inode;
      ProcParse_inetSocket(line, &tcpState, &inode);
      ProcParse_unixSocket(line, &inode);
      ProcParse_socketInode(line, &inode);
   }

   /* A command line is NUL-separated: the raw bytes, not the text. */
   char name[32];
   ProcParse_commandName((const char*)data, size, name, sizeof(name));
   enum { CANDIDATES = 8, PATH_SIZE = 128 };
   char paths[CANDIDATES * PATH_SIZE];
   CodeProbe_candidates((const char*)data, size, "/proc/1/cwd", paths, PATH_SIZE, CANDIDATES);
   free(text);
   return 0;
}
