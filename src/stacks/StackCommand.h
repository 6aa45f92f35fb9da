#ifndef HEADER_StackCommand
#define HEADER_StackCommand
/* leaktop stack PID: the stacks of every thread of one process. */

/* argv[0] is "stack". Returns the exit status: 0, 1 when the stacks could
   not be read (with the reason on stderr), 2 on a usage error. */
int StackCommand_run(int argc, char** argv);

#endif
