#ifndef HEADER_AgentClient
#define HEADER_AgentClient
/* The client side of leaktop's cooperative agent (python/leaktop_agent.py):
   one request line to the abstract Unix socket "leaktop-agent-NSPID", one
   result line back. The server must be the target process itself: an
   abstract name can be bound by anyone in the network namespace. */

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

typedef enum AgentStatus {
   AGENT_ANSWERED, /* *reply holds the result line */
   AGENT_ABSENT,   /* no agent listens for that process: a normal outcome */
   AGENT_FAILED,   /* refused, timed out, oversize, gone: err says why */
} AgentStatus;

/* The agent's address for a process whose PID in its own namespace is
   nsPid; returns the address length to pass to connect(). */
socklen_t AgentClient_address(pid_t nsPid, struct sockaddr_un* addr);

/* Sends request (one JSON object, without a newline) to the agent of
   process pid (a PID in leaktop's namespace) and waits at most timeoutMs
   for a reply of at most maxBytes. On AGENT_ANSWERED *reply is the
   NUL-terminated result (newline removed), to free(); otherwise err says
   what happened (for AGENT_ABSENT, why there is no agent to ask). A target
   in another network namespace is reached by entering that namespace
   (root), only for creating and connecting the socket. */
AgentStatus AgentClient_request(pid_t pid, const char* request, int timeoutMs, size_t maxBytes,
                                char** reply, char* err, size_t errSize);

#endif
