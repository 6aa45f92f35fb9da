#include "config.h"

#include "export/MetricsServer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "export/Exposition.h"
#include "record/ByteBuffer.h"
#include "util/XUtils.h"

/* Bounds on what a client can hold (doc/metrics.md): connections, idle
   seconds, and each connection's memory pool, which holds its request
   head; libmicrohttpd answers 431 to a head that does not fit. */
#define METRICS_MAX_CONNECTIONS 64
#define METRICS_TIMEOUT_SECONDS 10
#define METRICS_CONNECTION_POOL (32 * 1024)

static const char MetricsServer_landing[] =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>leaktop</title></head>\n"
      "<body><h1>leaktop record</h1>\n<p>Per-worker memory, growth verdicts and time to the "
      "limit of the Python service trees this recorder watches.</p>\n"
      "<p><a href=\"/metrics\">/metrics</a></p>\n</body></html>\n";

struct MetricsServer {
   struct MHD_Daemon* daemon;
   pthread_mutex_t lock;
   ByteBuffer text, openMetrics;           /* what scrapes get; under lock */
   ByteBuffer spareText, spareOpenMetrics; /* the next tick renders here */
   char address[80];
   bool loopback;
};

bool MetricsServer_parseSpec(const char* spec, char* host, size_t hostSize, unsigned* port,
                             char* err, size_t errSize) {
   const char* portText = spec;
   snprintf(host, hostSize, "127.0.0.1");
   if (spec[0] == '[') {
      const char* close = strchr(spec, ']');
      if (!close || close[1] != ':') {
         snprintf(err, errSize, "'%s': an IPv6 address is written [ADDRESS]:PORT", spec);
         return false;
      }
      snprintf(host, hostSize, "%.*s", (int)(close - spec - 1), spec + 1);
      portText = close + 2;
   } else {
      const char* colon = strrchr(spec, ':');
      if (colon) {
         if (colon > spec)
            snprintf(host, hostSize, "%.*s", (int)(colon - spec), spec);
         portText = colon + 1;
      }
   }
   char* end;
   errno = 0;
   unsigned long value = strtoul(portText, &end, 10);
   if (!portText[0] || *end || errno || value > 65535 || portText[0] == '-' || !host[0]) {
      snprintf(err, errSize, "'%s' is not HOST:PORT (e.g. 127.0.0.1:9464, :9464, [::1]:9464)",
               spec);
      return false;
   }
   *port = (unsigned)value;
   return true;
}

static bool MetricsServer_isLoopback(const struct sockaddr* sa) {
   if (sa->sa_family == AF_INET) {
      const struct sockaddr_in* in = (const struct sockaddr_in*)sa;
      return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
   }
   const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)sa;
   return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

static enum MHD_Result MetricsServer_reply(struct MHD_Connection* connection, unsigned status,
                                           const char* type, const void* body, size_t size,
                                           bool allow) {
   struct MHD_Response* response =
         MHD_create_response_from_buffer(size, (void*)body, MHD_RESPMEM_MUST_COPY);
   if (!response)
      return MHD_NO;
   MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
   MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
   if (allow)
      MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
   enum MHD_Result queued = MHD_queue_response(connection, status, response);
   MHD_destroy_response(response);
   return queued;
}

static enum MHD_Result MetricsServer_metrics(MetricsServer* this,
                                             struct MHD_Connection* connection) {
   const char* accept = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Accept");
   MetricFormat format = Exposition_negotiate(accept);
   pthread_mutex_lock(&this->lock);
   const ByteBuffer* body = format == METRIC_FORMAT_OPENMETRICS ? &this->openMetrics : &this->text;
   /* MUST_COPY: the copy is made before the lock is let go. */
   enum MHD_Result result = MetricsServer_reply(
         connection, MHD_HTTP_OK, Exposition_contentType(format), body->data, body->length, false);
   pthread_mutex_unlock(&this->lock);
   return result;
}

static enum MHD_Result MetricsServer_handle(void* cls, struct MHD_Connection* connection,
                                            const char* url, const char* method,
                                            const char* version, const char* upload,
                                            size_t* uploadSize, void** state) {
   (void)version;
   (void)upload;
   (void)state;
   /* No body is read: whatever was sent with the request is dropped. */
   *uploadSize = 0;
   static const char plain[] = "text/plain; charset=utf-8";
   if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
      static const char text[] = "only GET and HEAD are served\n";
      return MetricsServer_reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED, plain, text,
                                 sizeof(text) - 1, true);
   }
   if (strcmp(url, "/metrics") == 0)
      return MetricsServer_metrics(cls, connection);
   if (strcmp(url, "/") == 0)
      return MetricsServer_reply(connection, MHD_HTTP_OK, "text/html; charset=utf-8",
                                 MetricsServer_landing, sizeof(MetricsServer_landing) - 1, false);
   static const char missing[] = "not found: the metrics are at /metrics\n";
   return MetricsServer_reply(connection, MHD_HTTP_NOT_FOUND, plain, missing, sizeof(missing) - 1,
                              false);
}

static struct MHD_Daemon* MetricsServer_daemon(MetricsServer* this, const struct addrinfo* ai) {
   /* poll(), not epoll: with epoll, libmicrohttpd 0.9.75 at its connection
      limit kept connections the client had closed until they timed out, so
      a flood of 1000 held /metrics for over a minute after it ended; with
      poll the next scrape was served at once (measured, test_export.sh). */
   unsigned flags = MHD_USE_POLL_INTERNAL_THREAD;
   if (ai->ai_family == AF_INET6)
      flags |= MHD_USE_IPv6;
   /* The server's thread inherits this mask: SIGTERM and SIGINT stay with
      the recorder's main thread, whose wait between ticks they end. */
   sigset_t block, old;
   sigemptyset(&block);
   sigaddset(&block, SIGTERM);
   sigaddset(&block, SIGINT);
   pthread_sigmask(SIG_BLOCK, &block, &old);
   struct MHD_Daemon* daemon = MHD_start_daemon(
         flags, 0, NULL, NULL, MetricsServer_handle, this, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
         MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_MAX_CONNECTIONS,
         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_SECONDS,
         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONNECTION_POOL, MHD_OPTION_END);
   int saved = errno;
   pthread_sigmask(SIG_SETMASK, &old, NULL);
   errno = saved;
   return daemon;
}

MetricsServer* MetricsServer_start(const char* spec, char* err, size_t errSize) {
   char host[64];
   unsigned port;
   if (!MetricsServer_parseSpec(spec, host, sizeof(host), &port, err, errSize))
      return NULL;
   struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
   struct addrinfo* ai = NULL;
   char portText[8];
   snprintf(portText, sizeof(portText), "%u", port);
   int rc = getaddrinfo(host, portText, &hints, &ai);
   if (rc != 0 || !ai) {
      snprintf(err, errSize, "--listen %s: %s", spec, gai_strerror(rc));
      return NULL;
   }
   MetricsServer* this = xCalloc(1, sizeof(*this));
   pthread_mutex_init(&this->lock, NULL);
   ByteBuffer_init(&this->text);
   ByteBuffer_init(&this->openMetrics);
   ByteBuffer_init(&this->spareText);
   ByteBuffer_init(&this->spareOpenMetrics);
   this->loopback = MetricsServer_isLoopback(ai->ai_addr);
   errno = 0;
   this->daemon = MetricsServer_daemon(this, ai);
   freeaddrinfo(ai);
   if (!this->daemon) {
      int e = errno;
      snprintf(err, errSize, "cannot listen on %s: %s%s", spec,
               e ? strerror(e) : "libmicrohttpd refused the address",
               e == EADDRINUSE ? " (another program has that port: pick another with --listen)"
               : e == EACCES   ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                               : "");
      MetricsServer_stop(this);
      return NULL;
   }
   const union MHD_DaemonInfo* info = MHD_get_daemon_info(this->daemon, MHD_DAEMON_INFO_BIND_PORT);
   unsigned bound = info ? info->port : port;
   if (strchr(host, ':'))
      snprintf(this->address, sizeof(this->address), "[%s]:%u", host, bound);
   else
      snprintf(this->address, sizeof(this->address), "%s:%u", host, bound);
   return this;
}

void MetricsServer_stop(MetricsServer* this) {
   if (!this)
      return;
   if (this->daemon)
      MHD_stop_daemon(this->daemon);
   ByteBuffer_done(&this->text);
   ByteBuffer_done(&this->openMetrics);
   ByteBuffer_done(&this->spareText);
   ByteBuffer_done(&this->spareOpenMetrics);
   pthread_mutex_destroy(&this->lock);
   free(this);
}

static void MetricsServer_swap(ByteBuffer* a, ByteBuffer* b) {
   ByteBuffer t = *a;
   *a = *b;
   *b = t;
}

void MetricsServer_publish(MetricsServer* this, const ExportModel* model) {
   ByteBuffer_clear(&this->spareText);
   ByteBuffer_clear(&this->spareOpenMetrics);
   Exposition_render(model, METRIC_FORMAT_TEXT, &this->spareText);
   Exposition_render(model, METRIC_FORMAT_OPENMETRICS, &this->spareOpenMetrics);
   pthread_mutex_lock(&this->lock);
   MetricsServer_swap(&this->text, &this->spareText);
   MetricsServer_swap(&this->openMetrics, &this->spareOpenMetrics);
   pthread_mutex_unlock(&this->lock);
}

const char* MetricsServer_address(const MetricsServer* this) {
   return this->address;
}

bool MetricsServer_loopback(const MetricsServer* this) {
   return this->loopback;
}
