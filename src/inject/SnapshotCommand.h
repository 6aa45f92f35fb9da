#ifndef HEADER_SnapshotCommand
#define HEADER_SnapshotCommand
/* leaktop snapshot PID: the worker reports its own heap; compared with the
   previous snapshot of the same worker generation. */

/* argv[0] is "snapshot". Returns the exit status: 0, 1 when the worker
   could not be asked or refused (reason on stderr), 2 on a usage error,
   3 when it did not answer in time. */
int SnapshotCommand_run(int argc, char** argv);

#endif
