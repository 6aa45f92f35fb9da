#include "config.h"

#include "stacks/ProfileStore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "sample/ProcFiles.h"
#include "util/Text.h"
#include "util/XUtils.h"

#define PROFILESTORE_MAGIC "# leaktop profile 1\n"

void ProfileStore_describe(ProfileInfo* info, pid_t pid, unsigned long long startTicks,
                           const StackProfile* profile, const StackDump* last, double seconds,
                           bool pythonOnly) {
   memset(info, 0, sizeof(*info));
   info->pid = pid;
   info->startTicks = startTicks;
   info->time = XUtils_wallNow();
   info->samples = profile->samples;
   info->seconds = seconds;
   snprintf(info->route, sizeof(info->route), "%s", pythonOnly ? "python-only" : "native");
   char python[48] = "";
   if (last->python[0])
      snprintf(python, sizeof(python), ", CPython %s", last->python);
   if (profile->samples == 1)
      snprintf(info->summary, sizeof(info->summary), "one dump of %d thread%s of %s%s", last->count,
               last->count == 1 ? "" : "s", last->command, python);
   else
      snprintf(info->summary, sizeof(info->summary), "%ld samples in %.1f s of %s%s",
               profile->samples, seconds, last->command, python);
}

bool ProfileStore_openIn(ProfileStore* this, const char* base, const char* sub, char* err,
                         size_t errSize) {
   return PrivateStore_openIn(this, base, sub, PROFILESTORE_SUFFIX, err, errSize);
}

bool ProfileStore_open(ProfileStore* this, char* err, size_t errSize) {
   if (!PrivateStore_openState(this, "profiles", PROFILESTORE_SUFFIX, err, errSize))
      return false;
   ProfileStore_prune(this, XUtils_wallNow(), ProcFiles_bootTime());
   return true;
}

void ProfileStore_close(ProfileStore* this) {
   PrivateStore_close(this);
}

int ProfileStore_prune(ProfileStore* this, double now, double bootTime) {
   return PrivateStore_prune(this, now, bootTime, PROFILESTORE_MAX_AGE, PROFILESTORE_MAX_FILES);
}

/* A header value on one line: a newline in it would end the header. */
static void ProfileStore_line(FILE* out, const char* key, const char* value) {
   char clean[512];
   Text_sanitize(value, strlen(value), clean, sizeof(clean));
   fprintf(out, "# %s %s\n", key, clean);
}

bool ProfileStore_save(ProfileStore* this, const ProfileInfo* info, const char* folded, size_t len,
                       char* name, size_t nameSize, char* err, size_t errSize) {
   if (info->pid <= 0) {
      snprintf(err, errSize, "cannot save a profile without its worker generation");
      return false;
   }
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   if (!out) {
      snprintf(err, errSize, "cannot save a profile: out of memory");
      return false;
   }
   fputs(PROFILESTORE_MAGIC, out);
   fprintf(out, "# time %.3f\n# samples %ld\n# seconds %.3f\n", info->time, info->samples,
           info->seconds);
   ProfileStore_line(out, "route", info->route);
   ProfileStore_line(out, "summary", info->summary);
   /* The empty line ends the header: folded lines are never empty. */
   fputc('\n', out);
   fwrite(folded, 1, len, out);
   fclose(out);
   bool ok = PrivateStore_write(this, info->pid, info->startTicks, text, size, PROFILESTORE_KEEP,
                                name, nameSize, err, errSize);
   free(text);
   return ok;
}

bool ProfileStore_saveTree(const ProfileInfo* info, const ProfileTree* tree, char* err,
                           size_t errSize) {
   char* folded = NULL;
   size_t len = 0;
   FILE* out = open_memstream(&folded, &len);
   if (!out) {
      snprintf(err, errSize, "cannot save a profile: out of memory");
      return false;
   }
   ProfileTree_folded(tree, out);
   fclose(out);
   ProfileStore store;
   bool ok = ProfileStore_open(&store, err, errSize);
   if (ok) {
      ok = ProfileStore_save(&store, info, folded, len, NULL, 0, err, errSize);
      ProfileStore_close(&store);
   }
   free(folded);
   return ok;
}

bool ProfileStore_saveDump(pid_t pid, unsigned long long startTicks, const StackDump* dump,
                           bool pythonOnly, char* err, size_t errSize) {
   StackProfile profile = {0};
   StackProfile_add(&profile, dump);
   /* Idle threads too, as `leaktop stack --duration` counts them. */
   ProfileTree tree;
   ProfileTree_build(&tree, &profile, false, true);
   ProfileInfo info;
   ProfileStore_describe(&info, pid, startTicks, &profile, dump, 0, pythonOnly);
   bool ok = ProfileStore_saveTree(&info, &tree, err, errSize);
   ProfileTree_done(&tree);
   StackProfile_done(&profile);
   return ok;
}

/* One "# key value" line of the header into info; unknown keys are a
   newer leaktop's and skipped. */
static void ProfileStore_parseLine(const char* line, size_t len, ProfileInfo* info) {
   char text[PROFILESTORE_HEADER_MAX];
   if (len < 2 || line[0] != '#' || line[1] != ' ' || len >= sizeof(text))
      return;
   memcpy(text, line + 2, len - 2);
   text[len - 2] = '\0';
   char* value = strchr(text, ' ');
   if (!value)
      return;
   *value++ = '\0';
   if (strcmp(text, "time") == 0)
      info->time = strtod(value, NULL);
   else if (strcmp(text, "samples") == 0)
      info->samples = strtol(value, NULL, 10);
   else if (strcmp(text, "seconds") == 0)
      info->seconds = strtod(value, NULL);
   else if (strcmp(text, "route") == 0)
      Text_sanitize(value, strlen(value), info->route, sizeof(info->route));
   else if (strcmp(text, "summary") == 0)
      Text_sanitize(value, strlen(value), info->summary, sizeof(info->summary));
}

/* The header's length up to and with its empty line; 0 when text does not
   start with one of ours. */
static size_t ProfileStore_header(const char* text, size_t len, ProfileInfo* info) {
   size_t magic = strlen(PROFILESTORE_MAGIC);
   if (len < magic || memcmp(text, PROFILESTORE_MAGIC, magic) != 0)
      return 0;
   for (size_t at = magic; at < len;) {
      const char* nl = memchr(text + at, '\n', len - at);
      if (!nl)
         return 0;
      size_t lineLen = (size_t)(nl - (text + at));
      if (lineLen == 0)
         return at + 1;
      ProfileStore_parseLine(text + at, lineLen, info);
      at += lineLen + 1;
   }
   return 0;
}

bool ProfileStore_load(const ProfileStore* this, const char* name, size_t max, ProfileInfo* info,
                       char** folded, size_t* foldedSize, char* err, size_t errSize) {
   memset(info, 0, sizeof(*info));
   *folded = NULL;
   *foldedSize = 0;
   /* The header and max bytes of stacks, and one more to tell a profile
      larger than max. */
   size_t cap = PROFILESTORE_HEADER_MAX + max + 2;
   char* text = xMalloc(cap);
   ssize_t n = PrivateStore_read(this, name, text, cap);
   if (n < 0) {
      snprintf(err, errSize, "cannot read %s/%s: %s", this->path, name, strerror((int)-n));
      free(text);
      return false;
   }
   size_t headerLen = ProfileStore_header(text, (size_t)n, info);
   if (headerLen == 0 || headerLen > PROFILESTORE_HEADER_MAX) {
      snprintf(err, errSize, "%s/%s is not a leaktop profile (no \"%.*s\" header)", this->path,
               name, (int)strlen(PROFILESTORE_MAGIC) - 1, PROFILESTORE_MAGIC);
      free(text);
      return false;
   }
   size_t stacks = (size_t)n - headerLen;
   bool whole = (size_t)n + 1 < cap;
   struct stat st;
   /* Cut at cap: the file's size tells the stacks' own. */
   if (!whole && fstatat(this->dirFd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
       (size_t)st.st_size > headerLen)
      stacks = (size_t)st.st_size - headerLen;
   *foldedSize = stacks;
   if (whole && stacks <= max) {
      memmove(text, text + headerLen, stacks + 1);
      *folded = text;
   } else {
      free(text);
   }
   return true;
}
