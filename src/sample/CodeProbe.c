#include "config.h"

#include "sample/CodeProbe.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/XUtils.h"

bool CodeProbe_parseExecId(const char* statText, uint64_t* execId) {
   /* Fields counted from 3, after comm (which may hold spaces and parentheses). */
   const char* p = strrchr(statText, ')');
   if (!p)
      return false;
   uint64_t id = 0;
   bool any = false;
   int field = 2;
   while (*p && field < 51) {
      while (*p && *p != ' ')
         p++;
      while (*p == ' ')
         p++;
      if (!*p)
         break;
      field++;
      if (field == 28 || (field >= 48 && field <= 51)) {
         uint64_t v = strtoull(p, NULL, 10);
         any |= v != 0;
         id = (id ^ v) * 0x100000001b3ull;
      }
   }
   if (field < 51 || !any)
      return false;
   *execId = id;
   return true;
}

/* A Python module path: identifiers joined by dots. */
static bool CodeProbe_isModule(const char* s, size_t len) {
   bool start = true;
   for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c == '.' && !start) {
         start = true;
      } else if (isalpha(c) || c == '_' || (!start && isdigit(c))) {
         start = false;
      } else {
         return false;
      }
   }
   return len > 0 && !start;
}

typedef struct CandidateList {
   char* paths;
   size_t pathSize;
   int count, max;
} CandidateList;

static void CandidateList_add(CandidateList* this, const char* a, const char* b, const char* c) {
   if (this->count == this->max)
      return;
   char* out = this->paths + (size_t)this->count * this->pathSize;
   int n = snprintf(out, this->pathSize, "%s%s%s", a, b, c);
   if (n < 0 || (size_t)n >= this->pathSize)
      return;
   for (int i = 0; i < this->count; i++)
      if (strcmp(this->paths + (size_t)i * this->pathSize, out) == 0)
         return;
   this->count++;
}

static void CodeProbe_argument(CandidateList* list, const char* arg, const char* cwd) {
   /* "--module=app:app" names its value. */
   if (arg[0] == '-' && arg[1] == '-' && strchr(arg, '='))
      arg = strchr(arg, '=') + 1;
   if (!arg[0] || arg[0] == '-')
      return;
   size_t len = strlen(arg);
   if (arg[0] == '/') {
      CandidateList_add(list, arg, "", "");
   } else if (!cwd) {
      return;
   } else if (strchr(arg, '/') || (len > 3 && strcmp(arg + len - 3, ".py") == 0)) {
      CandidateList_add(list, cwd, "/", arg);
   } else {
      size_t modLen = strcspn(arg, ":");
      if (!CodeProbe_isModule(arg, modLen))
         return;
      char mod[256];
      if (modLen >= sizeof(mod))
         return;
      for (size_t i = 0; i < modLen; i++)
         mod[i] = arg[i] == '.' ? '/' : arg[i];
      mod[modLen] = '\0';
      char prefix[512];
      snprintf(prefix, sizeof(prefix), "%s/%s", cwd, mod);
      CandidateList_add(list, prefix, ".py", "");
      CandidateList_add(list, prefix, "/__init__.py", "");
   }
}

int CodeProbe_candidates(const char* args, size_t argsSize, const char* cwd, char* paths,
                         size_t pathSize, int max) {
   CandidateList list = {paths, pathSize, 0, max};
   char arg[512];
   size_t at = 0;
   while (at < argsSize) {
      size_t len = strnlen(args + at, argsSize - at);
      if (len < sizeof(arg)) {
         memcpy(arg, args + at, len);
         arg[len] = '\0';
         CodeProbe_argument(&list, arg, cwd);
      }
      at += len + 1;
   }
   return list.count;
}

/* ---- the reads ---------------------------------------------------------- */

static uint64_t CodeProbe_hash(const void* data, size_t size, uint64_t h) {
   const unsigned char* p = data;
   for (size_t i = 0; i < size; i++)
      h = (h ^ p[i]) * 0x100000001b3ull;
   return h;
}

/* Folds one file in. The sum does not depend on the order files are found in. */
static void CodeProbe_fold(CodeFacts* out, const char* name, const struct stat* st) {
   if (!S_ISREG(st->st_mode))
      return;
   uint64_t h = CodeProbe_hash(name, strlen(name), 0xcbf29ce484222325ull);
   uint64_t parts[4] = {(uint64_t)st->st_ino, (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec,
                        (uint64_t)st->st_mtim.tv_nsec};
   out->fingerprint += CodeProbe_hash(parts, sizeof(parts), h);
   double ctime = (double)st->st_ctim.tv_sec + (double)st->st_ctim.tv_nsec / 1e9;
   if (out->fileCount == 0 || ctime > out->newestChange) {
      out->newestChange = ctime;
      const char* base = strrchr(name, '/');
      snprintf(out->newestFile, sizeof(out->newestFile), "%s", base ? base + 1 : name);
   }
   out->fileCount++;
}

/* The *.py files directly in the working directory, up to the cap. */
static void CodeProbe_scanDir(const char* dir, CodeFacts* out) {
   int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (fd < 0)
      return;
   DIR* d = fdopendir(fd);
   if (!d) {
      close(fd);
      return;
   }
   struct dirent* e;
   for (int seen = 0; seen < CODE_PROBE_ENTRIES_MAX && out->fileCount < CODE_PROBE_FILES_MAX &&
                      (e = readdir(d)) != NULL;
        seen++) {
      size_t len = strlen(e->d_name);
      struct stat st;
      if (len > 3 && strcmp(e->d_name + len - 3, ".py") == 0 &&
          fstatat(dirfd(d), e->d_name, &st, 0) == 0)
         CodeProbe_fold(out, e->d_name, &st);
   }
   closedir(d);
}

static void CodeProbe_files(pid_t pid, CodeFacts* out) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
   char args[4096];
   ssize_t n = XUtils_readFileAt(AT_FDCWD, path, args, sizeof(args));
   if (n <= 0)
      return;
   /* Paths as the process sees them: through its root and working directory. */
   char cwd[64], root[64];
   snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", (int)pid);
   snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
   enum { CANDIDATES = 16, PATH_SIZE = 512 };
   char* paths = xMalloc(CANDIDATES * PATH_SIZE);
   int count = CodeProbe_candidates(args, (size_t)n, cwd, paths, PATH_SIZE, CANDIDATES);
   out->filesKnown = true;
   for (int i = 0; i < count; i++) {
      const char* p = paths + (size_t)i * PATH_SIZE;
      char full[PATH_SIZE + 64];
      snprintf(full, sizeof(full), "%s%s", p[0] == '/' && strncmp(p, "/proc/", 6) ? root : "", p);
      struct stat st;
      if (stat(full, &st) == 0)
         CodeProbe_fold(out, p, &st);
   }
   free(paths);
   CodeProbe_scanDir(cwd, out);
}

bool CodeProbe_read(pid_t pid, bool files, CodeFacts* out) {
   memset(out, 0, sizeof(*out));
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
   char text[1024];
   if (XUtils_readFileAt(AT_FDCWD, path, text, sizeof(text)) <= 0)
      return false;
   out->execKnown = CodeProbe_parseExecId(text, &out->execId);
   snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
   struct stat st;
   if (stat(path, &st) == 0)
      out->exeId = ((uint64_t)st.st_dev << 40) ^ (uint64_t)st.st_ino;
   if (files)
      CodeProbe_files(pid, out);
   return true;
}
