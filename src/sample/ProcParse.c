#include "config.h"

#include "sample/ProcParse.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Steps through text line by line: returns the next line (not terminated)
   and its length, or NULL at the end. */
static const char* ProcParse_nextLine(const char** cursor, size_t* len) {
   const char* line = *cursor;
   if (!line || !*line)
      return NULL;
   const char* eol = strchr(line, '\n');
   *len = eol ? (size_t)(eol - line) : strlen(line);
   *cursor = eol ? eol + 1 : NULL;
   return line;
}

const char* ProcParse_keyedText(const char* text, const char* key) {
   size_t keyLen = strlen(key);
   for (const char* line = text; line && *line;
        line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
      if (strncmp(line, key, keyLen) != 0)
         continue;
      const char* p = line + keyLen;
      if (*p == ':')
         p++;
      if (*p != ' ' && *p != '\t')
         continue;
      while (*p == ' ' || *p == '\t')
         p++;
      return p;
   }
   return NULL;
}

bool ProcParse_keyedValue(const char* text, const char* key, uint64_t* value) {
   const char* p = ProcParse_keyedText(text, key);
   if (!p || !isdigit((unsigned char)*p))
      return false;
   *value = strtoull(p, NULL, 10);
   return true;
}

char ProcParse_statusState(const char* text) {
   const char* p = ProcParse_keyedText(text, "State");
   return p && *p ? *p : '?';
}

uid_t ProcParse_effectiveUid(const char* text) {
   const char* p = ProcParse_keyedText(text, "Uid");
   if (!p)
      return (uid_t)-1;
   char* end;
   strtoul(p, &end, 10); /* real, then effective */
   return end == p ? (uid_t)-1 : (uid_t)strtoul(end, NULL, 10);
}

uint64_t ProcParse_hexMask(const char* text, const char* key) {
   const char* p = ProcParse_keyedText(text, key);
   return p ? strtoull(p, NULL, 16) : 0;
}

pid_t ProcParse_nsPid(const char* text, pid_t fallback) {
   const char* cursor = text;
   const char* line;
   size_t len;
   while ((line = ProcParse_nextLine(&cursor, &len)) != NULL) {
      if (len < 6 || strncmp(line, "NSpid:", 6) != 0)
         continue;
      pid_t last = fallback;
      const char* p = line + 6;
      const char* endOfLine = line + len;
      while (p < endOfLine) {
         char* end;
         long v = strtol(p, &end, 10);
         if (end == p || end > endOfLine)
            break;
         last = (pid_t)v;
         p = end;
      }
      return last > 0 ? last : fallback;
   }
   return fallback;
}

bool ProcParse_number(const char* text, uint64_t* value) {
   while (*text == ' ')
      text++;
   if (!isdigit((unsigned char)*text))
      return false;
   *value = strtoull(text, NULL, 10);
   return true;
}

/* The fields after comm, which ends at the last ')': field 3 onwards. */
static const char* ProcParse_statFields(const char* text) {
   const char* p = strrchr(text, ')');
   return p ? p + 1 : NULL;
}

/* Skips count space-separated fields; NULL when the text ends first. */
static const char* ProcParse_skipFields(const char* p, int count) {
   for (int i = 0; i < count; i++) {
      while (*p == ' ')
         p++;
      if (!*p)
         return NULL;
      while (*p && *p != ' ')
         p++;
   }
   while (*p == ' ')
      p++;
   return *p ? p : NULL;
}

bool ProcParse_stat(const char* text, ProcStat* out) {
   const char* p = ProcParse_statFields(text);
   if (!p || !(p = ProcParse_skipFields(p, 0)))
      return false;
   out->state = *p;
   /* Field numbers as in proc(5): 4 ppid, 9 flags, 14 utime, 15 stime,
      20 num_threads, 22 starttime. */
   unsigned long long v[23] = {0};
   for (int field = 4; field <= 22; field++) {
      p = ProcParse_skipFields(p, 1);
      if (!p)
         return false;
      v[field] = strtoull(p, NULL, 10);
   }
   out->ppid = (pid_t)v[4];
   out->flags = (unsigned long)v[9];
   out->cpuTicks = v[14] + v[15];
   out->threads = (unsigned)v[20];
   out->startTicks = v[22];
   return true;
}

void ProcParse_status(const char* text, ProcStatus* out) {
   static const struct {
      const char* key;
      size_t keyLen;
      size_t offset;
   } fields[] = {
         {"VmRSS:", 6, offsetof(ProcStatus, rssKiB)},
         {"RssAnon:", 8, offsetof(ProcStatus, anonKiB)},
         {"RssFile:", 8, offsetof(ProcStatus, fileKiB)},
         {"RssShmem:", 9, offsetof(ProcStatus, shmemKiB)},
         {"voluntary_ctxt_switches:", 24, offsetof(ProcStatus, ctxVoluntary)},
         {"nonvoluntary_ctxt_switches:", 27, offsetof(ProcStatus, ctxInvoluntary)},
   };
   const int count = (int)(sizeof(fields) / sizeof(fields[0]));
   memset(out, 0, sizeof(*out));
   out->fds = -1;
   int seen = 0;
   const char* cursor = text;
   const char* line;
   size_t len;
   while (seen != (1 << count) - 1 && (line = ProcParse_nextLine(&cursor, &len)) != NULL) {
      for (int i = 0; i < count; i++) {
         /* The first byte rules out almost every line at once. */
         if (line[0] != fields[i].key[0] || len <= fields[i].keyLen ||
             memcmp(line, fields[i].key, fields[i].keyLen) != 0)
            continue;
         *(uint64_t*)((char*)out + fields[i].offset) = strtoull(line + fields[i].keyLen, NULL, 10);
         seen |= 1 << i;
         break;
      }
   }
   out->memKnown = (seen & 1) != 0;
   out->ctxKnown = (seen & 0x30) == 0x30;
}

bool ProcParse_statExitCode(const char* text, int* waitStatus) {
   const char* p = ProcParse_statFields(text);
   /* exit_code is field 52: 49 fields after state (field 3). */
   if (!p || !(p = ProcParse_skipFields(p, 0)) || !(p = ProcParse_skipFields(p, 49)))
      return false;
   if (!isdigit((unsigned char)*p) && *p != '-')
      return false;
   *waitStatus = (int)strtol(p, NULL, 10);
   return true;
}

void ProcParse_describeWaitStatus(int waitStatus, char* out, size_t outSize) {
   if (WIFEXITED(waitStatus)) {
      snprintf(out, outSize, "exit %d", WEXITSTATUS(waitStatus));
   } else if (WIFSIGNALED(waitStatus)) {
      const char* name = sigabbrev_np(WTERMSIG(waitStatus));
      snprintf(out, outSize, "killed by SIG%s%s", name ? name : "?",
               WCOREDUMP(waitStatus) ? " (core dumped)" : "");
   } else {
      snprintf(out, outSize, "status %#x", (unsigned)waitStatus);
   }
}

int ProcParse_childrenList(const char* text, pid_t* out, int max) {
   int n = 0;
   const char* p = text;
   while (*p && n < max) {
      while (*p == ' ' || *p == '\n')
         p++;
      if (!isdigit((unsigned char)*p))
         break;
      char* end;
      long v = strtol(p, &end, 10);
      if (v > 0)
         out[n++] = (pid_t)v;
      p = end;
   }
   return n;
}

static void ProcParse_copyField(char* dst, size_t size, const char* src, size_t len) {
   if (size == 0)
      return;
   if (len >= size)
      len = size - 1;
   memcpy(dst, src, len);
   dst[len] = '\0';
}

/* True when the comma-separated controller list names "memory". */
static bool ProcParse_listHasMemory(const char* list, size_t len) {
   const char* end = list + len;
   while (list < end) {
      const char* comma = memchr(list, ',', (size_t)(end - list));
      size_t itemLen = comma ? (size_t)(comma - list) : (size_t)(end - list);
      if (itemLen == 6 && strncmp(list, "memory", 6) == 0)
         return true;
      list += itemLen + 1;
   }
   return false;
}

void ProcParse_cgroupPaths(const char* text, char* v2Path, size_t v2Size, char* v1MemPath,
                           size_t v1Size) {
   if (v2Size)
      v2Path[0] = '\0';
   if (v1Size)
      v1MemPath[0] = '\0';
   const char* cursor = text;
   const char* line;
   size_t len;
   while ((line = ProcParse_nextLine(&cursor, &len)) != NULL) {
      const char* c1 = memchr(line, ':', len);
      const char* c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
      if (!c2)
         continue;
      const char* path = c2 + 1;
      size_t pathLen = len - (size_t)(path - line);
      if (c2 == c1 + 1 && strncmp(line, "0:", 2) == 0)
         ProcParse_copyField(v2Path, v2Size, path, pathLen);
      else if (ProcParse_listHasMemory(c1 + 1, (size_t)(c2 - c1 - 1)))
         ProcParse_copyField(v1MemPath, v1Size, path, pathLen);
   }
}

void ProcParse_cgroupMounts(const char* text, char* v2Mount, size_t v2Size, char* v1MemMount,
                            size_t v1Size) {
   if (v2Size)
      v2Mount[0] = '\0';
   if (v1Size)
      v1MemMount[0] = '\0';
   /* mountinfo: id parent maj:min root mountpoint options [optional...] - fstype source superopts
    */
   const char* cursor = text;
   const char* line;
   size_t len;
   while ((line = ProcParse_nextLine(&cursor, &len)) != NULL) {
      char buf[1024];
      ProcParse_copyField(buf, sizeof(buf), line, len);
      char* save = NULL;
      char* mountPoint = NULL;
      char* tok = strtok_r(buf, " ", &save);
      for (int field = 0; tok && field < 4; field++) {
         tok = strtok_r(NULL, " ", &save);
         if (field == 3)
            mountPoint = tok;
      }
      while (tok && strcmp(tok, "-") != 0)
         tok = strtok_r(NULL, " ", &save);
      char* fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
      char* source = fstype ? strtok_r(NULL, " ", &save) : NULL;
      char* superopts = source ? strtok_r(NULL, " ", &save) : NULL;
      if (!mountPoint || !fstype)
         continue;
      if (strcmp(fstype, "cgroup2") == 0 && v2Size && !v2Mount[0])
         ProcParse_copyField(v2Mount, v2Size, mountPoint, strlen(mountPoint));
      else if (strcmp(fstype, "cgroup") == 0 && superopts && v1Size && !v1MemMount[0] &&
               ProcParse_listHasMemory(superopts, strlen(superopts)))
         ProcParse_copyField(v1MemMount, v1Size, mountPoint, strlen(mountPoint));
   }
}

bool ProcParse_cgroupLimit(const char* text, uint64_t* bytes, bool* limited) {
   while (*text == ' ')
      text++;
   if (strncmp(text, "max", 3) == 0) {
      *bytes = UINT64_MAX;
      *limited = false;
      return true;
   }
   if (!isdigit((unsigned char)*text))
      return false;
   unsigned long long v = strtoull(text, NULL, 10);
   *bytes = v;
   /* v1 reports "no limit" as PAGE_COUNTER_MAX pages in bytes, just under 2^63. */
   *limited = v < (1ULL << 62);
   return true;
}

bool ProcParse_isPythonPath(const char* path) {
   const char* base = strrchr(path, '/');
   base = base ? base + 1 : path;
   if (strncmp(base, "lib", 3) == 0)
      base += 3;
   if (strncmp(base, "python", 6) != 0)
      return false;
   const char* p = base + 6;
   /* python3, python3.11, python3.13t, libpython3.11.so.1.0, python3.12d */
   if (!isdigit((unsigned char)*p))
      return false;
   while (isdigit((unsigned char)*p) || *p == '.')
      p++;
   if (*p == 't' || *p == 'd' || *p == 'm')
      p++;
   return *p == '\0' || (p[-1] == '.' && strncmp(p, "so", 2) == 0);
}

bool ProcParse_mapsHavePython(const char* text) {
   const char* cursor = text;
   const char* line;
   size_t len;
   while ((line = ProcParse_nextLine(&cursor, &len)) != NULL) {
      const char* slash = memchr(line, '/', len);
      if (!slash)
         continue;
      char path[512];
      ProcParse_copyField(path, sizeof(path), slash, len - (size_t)(slash - line));
      char* deleted = strstr(path, " (deleted)");
      if (deleted)
         *deleted = '\0';
      if (ProcParse_isPythonPath(path))
         return true;
   }
   return false;
}

static const char* ProcParse_basename(const char* path) {
   const char* slash = strrchr(path, '/');
   return slash ? slash + 1 : path;
}

void ProcParse_commandName(const char* raw, size_t len, char* out, size_t outSize) {
   if (outSize == 0)
      return;
   out[0] = '\0';
   /* The last argument need not end in a NUL (a truncated read, a
      setproctitle that overwrote it): parse a terminated copy. */
   char copy[1024];
   len = len < sizeof(copy) - 1 ? len : sizeof(copy) - 1;
   memcpy(copy, raw, len);
   copy[len] = '\0';
   raw = copy;
   const char* argv[4] = {0};
   int argc = 0;
   for (size_t i = 0; i < len && argc < 4;) {
      argv[argc++] = raw + i;
      const char* nul = memchr(raw + i, '\0', len - i);
      if (!nul)
         break;
      i = (size_t)(nul - raw) + 1;
   }
   if (argc == 0)
      return;
   char first[256];
   ProcParse_copyField(first, sizeof(first), argv[0], strcspn(argv[0], " "));
   size_t firstLen = strlen(first);
   /* setproctitle-style titles: "gunicorn: worker [app]". */
   if (firstLen > 1 && first[firstLen - 1] == ':' && !strchr(first, '/')) {
      ProcParse_copyField(out, outSize, first, firstLen - 1);
      return;
   }
   const char* name = ProcParse_basename(first);
   if (ProcParse_isPythonPath(name) || strcmp(name, "python") == 0) {
      int arg = 1;
      while (arg < argc && argv[arg][0] == '-' && strcmp(argv[arg], "-m") != 0)
         arg++;
      if (arg + 1 < argc && strcmp(argv[arg], "-m") == 0)
         name = argv[arg + 1];
      else if (arg < argc && argv[arg][0] != '-')
         name = ProcParse_basename(argv[arg]);
   }
   size_t n = strlen(name);
   if (n > 3 && strcmp(name + n - 3, ".py") == 0)
      n -= 3;
   ProcParse_copyField(out, outSize, name, n);
}

/* Splits a line into its first max blank-separated fields; returns how many. */
static int ProcParse_fields(const char* line, const char** fields, int max) {
   const char* p = line;
   int n = 0;
   while (*p == ' ')
      p++;
   while (*p && *p != '\n' && n < max) {
      fields[n++] = p;
      while (*p && *p != ' ' && *p != '\n')
         p++;
      while (*p == ' ')
         p++;
   }
   return n;
}

/* A decimal inode that ends its field. */
static bool ProcParse_inode(const char* field, unsigned long* inode) {
   char* end;
   errno = 0;
   unsigned long v = strtoul(field, &end, 10);
   if (end == field || !isdigit((unsigned char)*field) || (*end && *end != ' ' && *end != '\n') ||
       errno)
      return false;
   *inode = v;
   return true;
}

bool ProcParse_inetSocket(const char* line, unsigned* state, unsigned long* inode) {
   /* "  sl  local rem st tx:rx tr:when retrnsmt uid timeout inode ..." */
   const char* fields[10];
   if (ProcParse_fields(line, fields, 10) < 10 || !isdigit((unsigned char)*fields[0]))
      return false;
   char* end;
   unsigned long st = strtoul(fields[3], &end, 16);
   if (end == fields[3] || *end != ' ' || st == 0 || st >= PROC_TCP_STATES)
      return false;
   if (!ProcParse_inode(fields[9], inode))
      return false;
   *state = (unsigned)st;
   return true;
}

bool ProcParse_unixSocket(const char* line, unsigned long* inode) {
   /* "Num: RefCount Protocol Flags Type St Inode [Path]" */
   const char* fields[7];
   if (ProcParse_fields(line, fields, 7) < 7 || !isxdigit((unsigned char)*fields[0]))
      return false;
   const char* colon = strchr(fields[0], ':');
   if (!colon || colon > fields[1])
      return false;
   return ProcParse_inode(fields[6], inode);
}

bool ProcParse_socketInode(const char* link, unsigned long* inode) {
   static const char prefix[] = "socket:[";
   if (strncmp(link, prefix, sizeof(prefix) - 1) != 0)
      return false;
   const char* digits = link + sizeof(prefix) - 1;
   char* end;
   errno = 0;
   unsigned long v = strtoul(digits, &end, 10);
   if (end == digits || !isdigit((unsigned char)*digits) || strcmp(end, "]") != 0 || errno)
      return false;
   *inode = v;
   return true;
}

ProcFdKind ProcParse_fdKind(const char* link) {
   if (link[0] == '/')
      return PROC_FD_FILE;
   if (strncmp(link, "socket:[", 8) == 0)
      return PROC_FD_SOCKET;
   if (strncmp(link, "pipe:[", 6) == 0)
      return PROC_FD_PIPE;
   if (strcmp(link, "anon_inode:[eventfd]") == 0)
      return PROC_FD_EVENTFD;
   if (strcmp(link, "anon_inode:[eventpoll]") == 0)
      return PROC_FD_EPOLL;
   return PROC_FD_OTHER;
}

bool ProcParse_openFilesLimit(const char* text, uint64_t* soft, bool* unlimited) {
   /* "Max open files            1024                 524288               files" */
   const char* p = ProcParse_keyedText(text, "Max open files");
   if (!p)
      return false;
   if (strncmp(p, "unlimited", 9) == 0) {
      *unlimited = true;
      *soft = 0;
      return true;
   }
   if (!isdigit((unsigned char)*p))
      return false;
   *unlimited = false;
   *soft = strtoull(p, NULL, 10);
   return true;
}
