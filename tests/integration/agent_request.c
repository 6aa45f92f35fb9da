/* Asks a process's leaktop agent for a snapshot through leaktop's own client
   (src/inject/AgentClient.c), for test_agent.sh:
      agent_request PID [REQUEST_JSON [TIMEOUT_MS]]
   prints the result line; exits 0 when answered, 2 when there is no agent,
   1 on failure, with the client's message on stderr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "inject/AgentClient.h"

int main(int argc, char** argv) {
   if (argc < 2 || argc > 4) {
      fprintf(stderr, "usage: %s PID [REQUEST_JSON [TIMEOUT_MS]]\n", argv[0]);
      return 1;
   }
   char* reply;
   char err[512];
   const char* request = argc >= 3 ? argv[2] : "{\"seq\":1}";
   int timeoutMs = argc == 4 ? atoi(argv[3]) : 10000;
   AgentStatus st = AgentClient_request((pid_t)atoi(argv[1]), request, timeoutMs, (1 << 20) + 4096,
                                        &reply, err, sizeof(err));
   if (st == AGENT_ANSWERED) {
      printf("%s\n", reply);
      free(reply);
      return 0;
   }
   fprintf(stderr, "%s\n", err);
   return st == AGENT_ABSENT ? 2 : 1;
}
