#include "config.h"

#include "export/Textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool Textfile_open(Textfile* this, const char* path, char* err, size_t errSize) {
   memset(this, 0, sizeof(*this));
   this->dirFd = -1;
   snprintf(this->path, sizeof(this->path), "%s", path);
   const char* slash = strrchr(path, '/');
   const char* name = slash ? slash + 1 : path;
   size_t len = strlen(name);
   if (len < 6 || strcmp(name + len - 5, ".prom") != 0 || len >= sizeof(this->name)) {
      snprintf(err, errSize,
               "--textfile %s: the name must end in .prom: node_exporter's textfile collector "
               "reads no other file",
               path);
      return false;
   }
   snprintf(this->name, sizeof(this->name), "%s", name);
   snprintf(this->tmpName, sizeof(this->tmpName), "%s.tmp", name);
   char dir[4096];
   if (!slash)
      snprintf(dir, sizeof(dir), ".");
   else if (slash == path)
      snprintf(dir, sizeof(dir), "/");
   else
      snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
   this->dirFd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (this->dirFd < 0) {
      snprintf(err, errSize,
               "--textfile %s: cannot open the directory %s: %s (create it, or give "
               "node_exporter's --collector.textfile.directory)",
               path, dir, strerror(errno));
      return false;
   }
   return true;
}

void Textfile_close(Textfile* this) {
   if (this->dirFd >= 0)
      close(this->dirFd);
   this->dirFd = -1;
}

int Textfile_write(Textfile* this, const void* data, size_t size) {
   /* Whatever is at the temporary name (a leftover, or a link planted
      there) goes; O_EXCL with O_NOFOLLOW then creates a file of our own. */
   unlinkat(this->dirFd, this->tmpName, 0);
   /* 0644: node_exporter reads it as its own user; it holds numbers and
      command names, no command line. */
   int fd = openat(this->dirFd, this->tmpName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   0644);
   if (fd < 0)
      return errno;
   int rc = 0;
   if (fchmod(fd, 0644) != 0)
      rc = errno;
   const char* p = data;
   size_t left = size;
   while (rc == 0 && left > 0) {
      ssize_t n = write(fd, p, left);
      if (n < 0) {
         if (errno != EINTR)
            rc = errno;
         continue;
      }
      p += n;
      left -= (size_t)n;
   }
   if (rc == 0 && fsync(fd) != 0)
      rc = errno;
   if (close(fd) != 0 && rc == 0)
      rc = errno;
   if (rc == 0 && renameat(this->dirFd, this->tmpName, this->dirFd, this->name) != 0)
      rc = errno;
   if (rc != 0)
      unlinkat(this->dirFd, this->tmpName, 0);
   return rc;
}
