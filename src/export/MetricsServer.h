#ifndef HEADER_MetricsServer
#define HEADER_MetricsServer
/* The recorder's /metrics endpoint (doc/metrics.md, HTTP): libmicrohttpd
   on a thread of its own serves the exposition the last tick published. A
   scrape copies it under a lock held only for that copy; a tick renders
   outside the lock and swaps. So neither a slow client nor a scrape ever
   waits on /proc, and sampling never waits on a client. */

#include <stdbool.h>
#include <stddef.h>

#include "export/ExportModel.h"

typedef struct MetricsServer MetricsServer;

/* Listens on spec: "HOST:PORT", "[V6ADDR]:PORT", ":PORT" or "PORT" (host
   127.0.0.1); port 0 takes a free one. NULL with the reason in err. */
MetricsServer* MetricsServer_start(const char* spec, char* err, size_t errSize);
void MetricsServer_stop(MetricsServer* this);

/* Renders both formats of model and makes them what scrapes get. */
void MetricsServer_publish(MetricsServer* this, const ExportModel* model);

/* "127.0.0.1:9464", with the port bound. */
const char* MetricsServer_address(const MetricsServer* this);
/* False when the address is not a loopback one: said at start. */
bool MetricsServer_loopback(const MetricsServer* this);

/* Splits spec into host and port (host "127.0.0.1" when absent). False,
   with the reason in err, when it is not HOST:PORT. Pure. */
bool MetricsServer_parseSpec(const char* spec, char* host, size_t hostSize, unsigned* port,
                             char* err, size_t errSize);

#endif
