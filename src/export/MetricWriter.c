#include "config.h"

#include "export/MetricWriter.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/Text.h"

/* A label value longer than this is cut: a command name is 15 bytes. */
#define METRIC_VALUE_MAX 256

void MetricWriter_init(MetricWriter* this, ByteBuffer* out, MetricFormat format) {
   this->out = out;
   this->format = format;
   this->family = NULL;
   this->type = METRIC_GAUGE;
}

static void MetricWriter_put(MetricWriter* this, const char* text) {
   ByteBuffer_put(this->out, text, strlen(text));
}

static const char* MetricWriter_typeName(const MetricWriter* this, MetricType type) {
   bool om = this->format == METRIC_FORMAT_OPENMETRICS;
   switch (type) {
   case METRIC_COUNTER:
      return "counter";
   case METRIC_STATESET:
      return om ? "stateset" : "gauge";
   case METRIC_INFO:
      return om ? "info" : "gauge";
   case METRIC_GAUGE:
   default:
      return "gauge";
   }
}

/* The name metadata lines carry: OpenMetrics names the family, 0.0.4 the
   sample (so a counter's TYPE line names its _total series). */
static void MetricWriter_metaName(MetricWriter* this) {
   MetricWriter_put(this, this->family);
   if (this->format == METRIC_FORMAT_TEXT) {
      if (this->type == METRIC_COUNTER)
         MetricWriter_put(this, "_total");
      else if (this->type == METRIC_INFO)
         MetricWriter_put(this, "_info");
   }
}

static void MetricWriter_meta(MetricWriter* this, const char* key, const char* text) {
   MetricWriter_put(this, "# ");
   MetricWriter_put(this, key);
   MetricWriter_put(this, " ");
   MetricWriter_metaName(this);
   MetricWriter_put(this, " ");
   MetricWriter_put(this, text);
   MetricWriter_put(this, "\n");
}

void MetricWriter_family(MetricWriter* this, const char* name, MetricType type, const char* unit,
                         const char* help) {
   this->family = name;
   this->type = type;
   const char* typeName = MetricWriter_typeName(this, type);
   /* OpenMetrics orders TYPE, UNIT, HELP; 0.0.4 by custom HELP, TYPE. */
   if (this->format == METRIC_FORMAT_OPENMETRICS) {
      MetricWriter_meta(this, "TYPE", typeName);
      if (unit)
         MetricWriter_meta(this, "UNIT", unit);
      MetricWriter_meta(this, "HELP", help);
   } else {
      MetricWriter_meta(this, "HELP", help);
      MetricWriter_meta(this, "TYPE", typeName);
   }
}

/* A label value: made printable UTF-8 first (invalid bytes and controls
   become '?', as on screen), then \ and " escaped; no newline is left. */
static void MetricWriter_labelValue(MetricWriter* this, const char* value) {
   char clean[METRIC_VALUE_MAX];
   Text_sanitize(value, strlen(value), clean, sizeof(clean));
   for (const char* c = clean; *c; c++) {
      if (*c == '\\' || *c == '"')
         ByteBuffer_putByte(this->out, '\\');
      ByteBuffer_putByte(this->out, (uint8_t)*c);
   }
}

static void MetricWriter_labels(MetricWriter* this, const MetricLabels* labels) {
   if (!labels || labels->count == 0)
      return;
   ByteBuffer_putByte(this->out, '{');
   for (int i = 0; i < labels->count; i++) {
      if (i > 0)
         ByteBuffer_putByte(this->out, ',');
      MetricWriter_put(this, labels->name[i]);
      MetricWriter_put(this, "=\"");
      MetricWriter_labelValue(this, labels->value[i]);
      ByteBuffer_putByte(this->out, '"');
   }
   ByteBuffer_putByte(this->out, '}');
}

/* Integers (byte counts, counters) exactly; other values with 17
   significant digits, which read back to the same double. */
static void MetricWriter_value(MetricWriter* this, double value) {
   char text[40];
   if (isnan(value))
      snprintf(text, sizeof(text), "NaN");
   else if (isinf(value))
      snprintf(text, sizeof(text), value > 0 ? "+Inf" : "-Inf");
   else if (value == floor(value) && fabs(value) < 9e15)
      snprintf(text, sizeof(text), "%.0f", value);
   else
      snprintf(text, sizeof(text), "%.17g", value);
   MetricWriter_put(this, text);
}

static void MetricWriter_line(MetricWriter* this, const char* suffix, const MetricLabels* labels,
                              double value) {
   MetricWriter_put(this, this->family);
   MetricWriter_put(this, suffix);
   MetricWriter_labels(this, labels);
   ByteBuffer_putByte(this->out, ' ');
   MetricWriter_value(this, value);
   ByteBuffer_putByte(this->out, '\n');
}

void MetricWriter_sample(MetricWriter* this, const MetricLabels* labels, double value) {
   MetricWriter_line(this, this->type == METRIC_COUNTER ? "_total" : "", labels, value);
}

void MetricWriter_state(MetricWriter* this, const MetricLabels* labels, const char* state,
                        bool on) {
   MetricLabels withState = MetricLabels_with(labels, this->family, state);
   MetricWriter_line(this, "", &withState, on ? 1 : 0);
}

void MetricWriter_info(MetricWriter* this, const MetricLabels* labels) {
   MetricWriter_line(this, "_info", labels, 1);
}

void MetricWriter_finish(MetricWriter* this) {
   if (this->format == METRIC_FORMAT_OPENMETRICS)
      MetricWriter_put(this, "# EOF\n");
}

MetricLabels MetricLabels_with(const MetricLabels* base, const char* name, const char* value) {
   MetricLabels labels = {0};
   if (base)
      labels = *base;
   if (labels.count < METRIC_LABELS_MAX) {
      labels.name[labels.count] = name;
      labels.value[labels.count] = value;
      labels.count++;
   }
   return labels;
}
