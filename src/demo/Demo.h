#ifndef HEADER_Demo
#define HEADER_Demo
/* leaktop --demo: the bundled pre-fork demo service (one leaking worker) and
   its load generator, run as children of leaktop for as long as it runs. */

#include <stddef.h>
#include <sys/types.h>

typedef struct Demo Demo;

/* Starts the demo service and its load generator; NULL with a message in err on failure. */
Demo* Demo_start(char* err, size_t errSize);

pid_t Demo_masterPid(const Demo* demo);

/* Stops the load generator and the service (SIGTERM by PID, then SIGKILL after a grace period),
   reaps them. Safe to call twice. */
void Demo_stop(Demo* demo);

#endif
