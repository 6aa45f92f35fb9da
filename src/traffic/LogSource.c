#include "config.h"

#include "traffic/Traffic.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

/* Lines appended to an access log. Reading starts at the end of the file
   when attaching (old lines are not this tick's traffic); a rename
   (logrotate's default) is noticed by the path naming another inode, and
   the rest of the old file is read before switching; a truncation
   (copytruncate) by the file shrinking below the read offset. */

/* Read at most this much per tick, so that a flood costs a bounded time;
   what is left is read in the next ticks. */
#define LOG_MAX_BYTES_PER_TICK (1 << 20)
#define LOG_LINE_MAX           4096

typedef struct LogSource {
   char* path;
   regex_t re;
   bool hasRegex;
   int fd;
   dev_t dev;
   ino_t ino;
   off_t offset;
   char line[LOG_LINE_MAX]; /* an incomplete last line, kept for the next read */
   size_t lineLen;
} LogSource;

/* Opens the log; at its end when attaching, else from the start. */
static bool LogSource_open(LogSource* this, bool atEnd) {
   int fd = open(this->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
   if (fd < 0)
      return false;
   struct stat st;
   if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      errno = EINVAL;
      return false;
   }
   if (this->fd >= 0)
      close(this->fd);
   this->fd = fd;
   this->dev = st.st_dev;
   this->ino = st.st_ino;
   this->offset = atEnd ? st.st_size : 0;
   this->lineLen = 0;
   return true;
}

static void LogSource_countLine(LogSource* this, const TrafficInput* in) {
   pid_t pid = 0;
   switch (TrafficParse_logLine(this->line, this->hasRegex ? &this->re : NULL, &pid)) {
   case TRAFFIC_LOG_SKIP:
      break;
   case TRAFFIC_LOG_PID: {
      /* A PID leaktop does not watch (or a worker already gone) is not
         this tree's traffic to share. */
      Process* p = Traffic_findProcess(in, pid);
      if (p)
         Traffic_credit(p, 1);
      break;
   }
   case TRAFFIC_LOG_TREE:
      Traffic_creditTree(in, 1);
      break;
   }
}

/* Reads what was appended since the last read, at most *budget bytes. */
static void LogSource_drain(LogSource* this, const TrafficInput* in, size_t* budget) {
   char buf[65536];
   while (*budget > 0) {
      size_t want = *budget < sizeof(buf) ? *budget : sizeof(buf);
      ssize_t n = pread(this->fd, buf, want, this->offset);
      if (n <= 0)
         return;
      this->offset += n;
      *budget -= (size_t)n;
      for (ssize_t i = 0; i < n; i++) {
         if (buf[i] != '\n') {
            /* An overlong line is cut, and still counts once. */
            if (this->lineLen < sizeof(this->line) - 1)
               this->line[this->lineLen++] = buf[i];
            continue;
         }
         this->line[this->lineLen] = '\0';
         LogSource_countLine(this, in);
         this->lineLen = 0;
      }
   }
}

static void LogSource_sample(TrafficSource* source, const TrafficInput* in) {
   LogSource* this = source->priv;
   size_t budget = LOG_MAX_BYTES_PER_TICK;
   struct stat st;
   bool named = stat(this->path, &st) == 0;
   if (this->fd >= 0 && named && (st.st_dev != this->dev || st.st_ino != this->ino)) {
      /* Rotated by rename: finish the old file, then follow the new one. */
      LogSource_drain(this, in, &budget);
      if (budget > 0)
         LogSource_open(this, false);
   } else if (this->fd < 0 && named) {
      LogSource_open(this, false);
   } else if (this->fd >= 0 && fstat(this->fd, &st) == 0 && st.st_size < this->offset) {
      this->offset = 0; /* truncated in place */
      this->lineLen = 0;
   }
   if (this->fd < 0)
      return;
   LogSource_drain(this, in, &budget);
   /* The log is the authority: a live process without lines served none. */
   for (int t = 0; t < in->treeCount; t++)
      for (int i = 0; i < in->trees[t]->count; i++)
         if (Traffic_sampleOf(in, in->trees[t]->procs[i]))
            Traffic_credit(in->trees[t]->procs[i], 0);
}

static void LogSource_free(TrafficSource* source) {
   LogSource* this = source->priv;
   if (this->fd >= 0)
      close(this->fd);
   if (this->hasRegex)
      regfree(&this->re);
   free(this->path);
   free(this);
}

static bool LogSource_init(TrafficSource* source, const char* arg, char* err, size_t errSize) {
   LogSource* this = xCalloc(1, sizeof(LogSource));
   this->fd = -1;
   source->priv = this;
   /* PATH ends at the first colon: a regex is likelier to hold one. */
   const char* colon = strchr(arg, ':');
   size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
   this->path = xMalloc(len + 1);
   memcpy(this->path, arg, len);
   this->path[len] = '\0';
   if (colon && colon[1]) {
      int rc = regcomp(&this->re, colon + 1, REG_EXTENDED);
      if (rc != 0) {
         char why[128];
         regerror(rc, &this->re, why, sizeof(why));
         snprintf(err, errSize, "invalid traffic log regex '%s': %s", colon + 1, why);
         free(this->path);
         free(this);
         return false;
      }
      this->hasRegex = true;
   }
   if (!LogSource_open(this, true)) {
      snprintf(err, errSize, "cannot read access log %s: %s", this->path, strerror(errno));
      LogSource_free(source);
      return false;
   }
   return true;
}

const TrafficSourceClass LogSource_class = {
      .name = "log",
      .argument = "PATH[:REGEX]",
      .display = "access log",
      .unit = "requests",
      .idlePerSecond = 0,
      .init = LogSource_init,
      .sample = LogSource_sample,
      .free = LogSource_free,
};
