#ifndef HEADER_ProcMaps
#define HEADER_ProcMaps
/* /proc/PID/maps: the parser is pure; ProcMaps_read does the I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
   uint64_t start;
   uint64_t end;
   uint64_t offset;
   bool exec;
   bool write;
   char* path; /* NULL for anonymous maps; "[stack]" and the like kept */
} MapEntry;

typedef struct {
   MapEntry* entries;
   int count;
} ProcMaps;

/* Parses the whole text of a maps file. Always succeeds; lines that do not
   parse are skipped. */
void ProcMaps_parse(ProcMaps* maps, const char* text);
/* Reads /proc/PID/maps; false with errno set when it cannot be read. */
bool ProcMaps_read(ProcMaps* maps, pid_t pid);
void ProcMaps_done(ProcMaps* maps);

/* The entry holding addr, or NULL. */
const MapEntry* ProcMaps_find(const ProcMaps* maps, uint64_t addr);
/* Where path's first page (file offset 0) is mapped, or 0: with the ELF's
   first PT_LOAD address this gives the load bias. */
uint64_t ProcMaps_fileBase(const ProcMaps* maps, const char* path);
/* The name under which leaktop opens a file that pid maps at path: through
   the target's root (/proc/PID/root), so a process in a container (its own
   mount namespace) is read from its own file system; when nothing is there
   (a chroot, whose maps show paths as leaktop's root sees them), the
   mapping itself under /proc/PID/map_files (root only). */
void ProcMaps_targetPath(const ProcMaps* maps, pid_t pid, const char* path, char* out,
                         size_t outSize);
/* The first mapped file whose base name starts with prefix and contains
   ".so", or NULL: ProcMaps_library(maps, "libc.so"). */
const char* ProcMaps_library(const ProcMaps* maps, const char* prefix);
/* ProcMaps_library(maps, "libpython3."): an interpreter in a shared
   library. */
const char* ProcMaps_libpython(const ProcMaps* maps);
/* The first mapped file named like a Python executable (python3.13), or
   NULL: the interpreter when a dynamic loader runs it, where
   /proc/PID/exe is ld.so. */
const char* ProcMaps_pythonExecutable(const ProcMaps* maps);

#endif
