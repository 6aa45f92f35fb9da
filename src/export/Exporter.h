#ifndef HEADER_Exporter
#define HEADER_Exporter
/* The recorder's Prometheus export: after each tick the model is mapped
   (ExportModel) and published to the /metrics server and the textfile,
   whichever of the two were asked for. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/Machine.h"

typedef struct ExporterConfig {
   const char* listen;   /* --listen, NULL for none */
   const char* textfile; /* --textfile, NULL for none */
   const char* const* groupNames;
   int groupNameCount;
   bool exportPid;
   void (*log)(void* ctx, const char* message);
   void* logCtx;
} ExporterConfig;

typedef struct Exporter Exporter;

/* NULL, with the reason in err, when the address cannot be listened on or
   the textfile's directory cannot be opened. */
Exporter* Exporter_new(const ExporterConfig* config, char* err, size_t errSize);
void Exporter_delete(Exporter* this);

/* What the recorder's store says of itself, for leaktop_recording_*. */
void Exporter_tick(Exporter* this, const Machine* machine, uint64_t recordingBytes,
                   unsigned long long recordingErrors);

/* The bound address ("127.0.0.1:9464"), NULL without --listen. */
const char* Exporter_address(const Exporter* this);
bool Exporter_loopback(const Exporter* this);

#endif
