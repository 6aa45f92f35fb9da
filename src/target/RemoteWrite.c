#include "config.h"

#include "target/RemoteWrite.h"

#include <errno.h>
#include <sys/uio.h>

bool RemoteWrite_bytes(pid_t pid, uint64_t addr, const void* bytes, size_t len) {
   struct iovec local = {(void*)bytes, len};
   struct iovec remote = {(void*)(uintptr_t)addr, len};
   ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
   if (n == (ssize_t)len)
      return true;
   if (n >= 0)
      errno = EFAULT;
   return false;
}
