#ifndef HEADER_MetricWriter
#define HEADER_MetricWriter
/* Writes metric families in the classic text format 0.0.4 or OpenMetrics
   1.0 (doc/metrics.md): one family's metadata, then its samples. The
   format's rules live here: counter and info suffixes, UNIT lines, the
   stateset label, label escaping, value spelling, `# EOF`. Pure: text in a
   ByteBuffer. */

#include <stdbool.h>

#include "record/ByteBuffer.h"

typedef enum MetricFormat {
   METRIC_FORMAT_TEXT,        /* text/plain; version=0.0.4 */
   METRIC_FORMAT_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
} MetricFormat;

typedef enum MetricType {
   METRIC_GAUGE,
   METRIC_COUNTER,  /* family name without _total */
   METRIC_STATESET, /* a gauge in 0.0.4, with the same label */
   METRIC_INFO,     /* family name without _info; a gauge in 0.0.4 */
} MetricType;

#define METRIC_LABELS_MAX 4

/* Label values are foreign text (a command name): escaped when written. */
typedef struct MetricLabels {
   int count;
   const char* name[METRIC_LABELS_MAX];
   const char* value[METRIC_LABELS_MAX];
} MetricLabels;

typedef struct MetricWriter {
   ByteBuffer* out;
   MetricFormat format;
   const char* family; /* the open family */
   MetricType type;
} MetricWriter;

void MetricWriter_init(MetricWriter* this, ByteBuffer* out, MetricFormat format);

/* Opens a family: TYPE, UNIT (unit is the name's suffix, NULL for none;
   OpenMetrics only) and HELP lines. name and help are leaktop's own text. */
void MetricWriter_family(MetricWriter* this, const char* name, MetricType type, const char* unit,
                         const char* help);

/* A sample of the open gauge or counter family. */
void MetricWriter_sample(MetricWriter* this, const MetricLabels* labels, double value);
/* One state of the open stateset: the label named after the family. */
void MetricWriter_state(MetricWriter* this, const MetricLabels* labels, const char* state, bool on);
/* The open info family's one sample, 1. */
void MetricWriter_info(MetricWriter* this, const MetricLabels* labels);

/* Ends the exposition: `# EOF` in OpenMetrics, nothing in 0.0.4. */
void MetricWriter_finish(MetricWriter* this);

/* A label set with one more label (at most METRIC_LABELS_MAX). */
MetricLabels MetricLabels_with(const MetricLabels* base, const char* name, const char* value);

#endif
