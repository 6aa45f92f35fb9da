#ifndef HEADER_Exposition
#define HEADER_Exposition
/* The exposition of an ExportModel (doc/metrics.md): every family in a
   fixed order, each with all its samples, in either format. And the
   format a scrape's Accept header asks for. Pure. */

#include <stddef.h>

#include "export/ExportModel.h"
#include "export/MetricWriter.h"
#include "record/ByteBuffer.h"

/* The label values, in enum order. */
extern const char* const Exposition_workerStates[EXPORT_WORKER_STATES];
extern const char* const Exposition_groupStates[EXPORT_GROUP_STATES];
/* exits_total's reason label values, in RecycleEnd order. */
extern const char* const Exposition_exitReasons[4];

/* Appends the whole exposition to out. */
void Exposition_render(const ExportModel* model, MetricFormat format, ByteBuffer* out);

/* OpenMetrics when the Accept header (NULL: none) prefers
   application/openmetrics-text (version 1.0.0 or none) to text/plain,
   by q-value; the classic format otherwise. */
MetricFormat Exposition_negotiate(const char* accept);

const char* Exposition_contentType(MetricFormat format);

#endif
