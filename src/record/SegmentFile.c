#include "config.h"

#include "record/SegmentFile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/Frame.h"
#include "record/RecordFormat.h"

/* Both copies of the largest header fit well within this. */
#define SEGMENT_PEEK_SIZE (32u << 10)

static const char* const SegmentFile_tiers[RECORD_TIERS] = {"1s", "1m"};

void SegmentFile_name(char* out, size_t size, unsigned tier, uint64_t seq, bool journal) {
   const char* t = SegmentFile_tiers[tier < RECORD_TIERS ? tier : 0];
   if (journal)
      snprintf(out, size, "%s.journal", t);
   else
      snprintf(out, size, "%s-%010" PRIu64 ".seg", t, seq);
}

bool SegmentFile_parseName(const char* name, unsigned* tier, uint64_t* seq) {
   for (unsigned t = 0; t < RECORD_TIERS; t++) {
      size_t n = strlen(SegmentFile_tiers[t]);
      if (strncmp(name, SegmentFile_tiers[t], n) != 0 || name[n] != '-')
         continue;
      const char* digits = name + n + 1;
      uint64_t v = 0;
      int i = 0;
      for (; i < 10; i++) {
         if (digits[i] < '0' || digits[i] > '9')
            return false;
         v = v * 10 + (uint64_t)(digits[i] - '0');
      }
      if (strcmp(digits + i, ".seg") != 0)
         return false;
      *tier = t;
      *seq = v;
      return true;
   }
   return false;
}

void SegmentFile_encodeStart(const SegmentHeader* header, ByteBuffer* out) {
   ByteBuffer_put(out, RECORD_MAGIC, RECORD_MAGIC_SIZE);
   for (int copy = 0; copy < 2; copy++) {
      size_t start = Frame_begin(out);
      SegmentHeader_encode(header, out);
      Frame_finish(out, start, RECORD_HEADER);
   }
}

static void SegmentFile_reset(SegmentFile* this) {
   this->fd = -1;
   this->name[0] = '\0';
   this->size = 0;
}

static bool SegmentFile_writeStart(SegmentFile* this, const SegmentHeader* header, int* error) {
   ByteBuffer start;
   ByteBuffer_init(&start);
   SegmentFile_encodeStart(header, &start);
   bool ok = SegmentFile_append(this, start.data, start.length, error);
   ByteBuffer_done(&start);
   return ok;
}

bool SegmentFile_create(SegmentFile* this, int dirFd, const char* name, const SegmentHeader* header,
                        char* err, size_t errSize) {
   SegmentFile_reset(this);
   int fd =
         openat(dirFd, name, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
   if (fd < 0) {
      int error = errno;
      snprintf(err, errSize, "cannot create %s: %s", name, strerror(error));
      errno = error;
      return false;
   }
   this->fd = fd;
   snprintf(this->name, sizeof(this->name), "%s", name);
   int error;
   if (!SegmentFile_writeStart(this, header, &error)) {
      snprintf(err, errSize, "cannot write %s: %s", name, strerror(error));
      SegmentFile_close(this);
      unlinkat(dirFd, name, 0);
      /* The caller tells a full disk from other failures by errno. */
      errno = error;
      return false;
   }
   return true;
}

bool SegmentFile_open(SegmentFile* this, int dirFd, const char* name, char* err, size_t errSize) {
   SegmentFile_reset(this);
   int fd = openat(dirFd, name, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
   if (fd < 0) {
      snprintf(err, errSize, "cannot open %s: %s", name,
               errno == ELOOP ? "it is a symbolic link" : strerror(errno));
      return false;
   }
   struct stat st;
   const char* problem = NULL;
   if (fstat(fd, &st) < 0)
      problem = strerror(errno);
   else if (!S_ISREG(st.st_mode))
      problem = "not a regular file";
   else if (st.st_uid != geteuid())
      problem = "it belongs to another user";
   else if ((st.st_mode & 077) && fchmod(fd, 0600) < 0)
      problem = strerror(errno);
   if (problem) {
      snprintf(err, errSize, "refusing %s: %s", name, problem);
      close(fd);
      return false;
   }
   this->fd = fd;
   this->size = (uint64_t)st.st_size;
   snprintf(this->name, sizeof(this->name), "%s", name);
   return true;
}

void SegmentFile_index(const SegmentFile* this, SegmentIndex* index, bool verify) {
   FrameSource source;
   FrameSource_fd(&source, this->fd, this->size);
   SegmentIndex_build(index, &source, verify);
}

bool SegmentFile_truncate(SegmentFile* this, uint64_t size, char* err, size_t errSize) {
   if (ftruncate(this->fd, (off_t)size) < 0) {
      snprintf(err, errSize, "cannot truncate %s: %s", this->name, strerror(errno));
      return false;
   }
   this->size = size;
   return true;
}

bool SegmentFile_restart(SegmentFile* this, const SegmentHeader* header, int* error) {
   if (ftruncate(this->fd, 0) < 0) {
      *error = errno;
      return false;
   }
   this->size = 0;
   return SegmentFile_writeStart(this, header, error);
}

bool SegmentFile_append(SegmentFile* this, const uint8_t* data, size_t size, int* error) {
   ssize_t n;
   do
      n = write(this->fd, data, size);
   while (n < 0 && errno == EINTR);
   if (n == (ssize_t)size) {
      this->size += size;
      return true;
   }
   /* A short write is the disk filling up: the next write would say why. */
   *error = n < 0 ? errno : ENOSPC;
   if (n > 0 && ftruncate(this->fd, (off_t)this->size) < 0)
      *error = errno;
   return false;
}

int SegmentFile_openRead(int dirFd, const char* name, uint64_t* size, char* err, size_t errSize) {
   int fd = openat(dirFd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
   struct stat st;
   if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
      snprintf(err, errSize, "cannot read %s: %s", name,
               fd < 0 ? (errno == ELOOP ? "it is a symbolic link" : strerror(errno))
                      : "not a regular file");
      if (fd >= 0)
         close(fd);
      return -1;
   }
   *size = (uint64_t)st.st_size;
   return fd;
}

SegmentHeaderStatus SegmentFile_peekHeader(int dirFd, const char* name, SegmentHeader* header,
                                           uint64_t* size, char* err, size_t errSize) {
   *size = 0;
   int fd = SegmentFile_openRead(dirFd, name, size, err, errSize);
   if (fd < 0)
      return SEGMENT_HEADER_MALFORMED;
   size_t want = *size < SEGMENT_PEEK_SIZE ? (size_t)*size : SEGMENT_PEEK_SIZE;
   FrameSource source;
   FrameSource_fd(&source, fd, want);
   SegmentIndex index;
   SegmentIndex_init(&index);
   SegmentIndex_build(&index, &source, false);
   close(fd);
   SegmentHeaderStatus status = index.status;
   *header = index.header;
   if (status != SEGMENT_HEADER_OK)
      snprintf(err, errSize, "%s: %s", name, index.error);
   SegmentIndex_done(&index);
   return status;
}

void SegmentFile_close(SegmentFile* this) {
   if (this->fd >= 0)
      close(this->fd);
   SegmentFile_reset(this);
}
