#include "config.h"

#include "export/Exporter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/ExportModel.h"
#include "export/Exposition.h"
#include "export/MetricsServer.h"
#include "export/Textfile.h"
#include "record/ByteBuffer.h"
#include "util/XUtils.h"

struct Exporter {
   ExporterConfig config;
   ExportModel model;
   MetricsServer* server;
   bool hasTextfile;
   Textfile textfile;
   ByteBuffer text;
   int textfileErrno; /* of the last write, to say a failure once, and its end */
};

Exporter* Exporter_new(const ExporterConfig* config, char* err, size_t errSize) {
   Exporter* this = xCalloc(1, sizeof(*this));
   this->config = *config;
   ExportModel_init(&this->model, config->groupNames, config->groupNameCount, config->exportPid);
   ByteBuffer_init(&this->text);
   if (config->textfile) {
      if (!Textfile_open(&this->textfile, config->textfile, err, errSize)) {
         Exporter_delete(this);
         return NULL;
      }
      this->hasTextfile = true;
   }
   if (config->listen) {
      this->server = MetricsServer_start(config->listen, err, errSize);
      if (!this->server) {
         Exporter_delete(this);
         return NULL;
      }
      /* A scrape before the first tick gets a valid, empty exposition. */
      MetricsServer_publish(this->server, &this->model);
   }
   return this;
}

void Exporter_delete(Exporter* this) {
   if (!this)
      return;
   MetricsServer_stop(this->server);
   if (this->hasTextfile)
      Textfile_close(&this->textfile);
   ByteBuffer_done(&this->text);
   ExportModel_done(&this->model);
   free(this);
}

static void Exporter_log(const Exporter* this, const char* message) {
   if (this->config.log)
      this->config.log(this->config.logCtx, message);
}

static void Exporter_writeTextfile(Exporter* this) {
   ByteBuffer_clear(&this->text);
   Exposition_render(&this->model, METRIC_FORMAT_TEXT, &this->text);
   int rc = Textfile_write(&this->textfile, this->text.data, this->text.length);
   if (rc == this->textfileErrno)
      return;
   char message[4400];
   if (rc)
      snprintf(message, sizeof(message),
               "cannot write the textfile %s: %s (it is retried every tick; node_exporter keeps "
               "the last one, and node_textfile_mtime_seconds tells its age)",
               this->textfile.path, strerror(rc));
   else
      snprintf(message, sizeof(message), "the textfile %s is written again", this->textfile.path);
   Exporter_log(this, message);
   this->textfileErrno = rc;
}

void Exporter_tick(Exporter* this, const Machine* machine, uint64_t recordingBytes,
                   unsigned long long recordingErrors) {
   ExportModel_update(&this->model, machine);
   this->model.recordingBytes = recordingBytes;
   this->model.recordingErrors = recordingErrors;
   if (this->server)
      MetricsServer_publish(this->server, &this->model);
   if (this->hasTextfile)
      Exporter_writeTextfile(this);
}

const char* Exporter_address(const Exporter* this) {
   return this->server ? MetricsServer_address(this->server) : NULL;
}

bool Exporter_loopback(const Exporter* this) {
   return !this->server || MetricsServer_loopback(this->server);
}
