#include "config.h"

#include "stacks/StackOutput.h"

#include <json-c/json.h>
#include <stdlib.h>

void StackDump_done(StackDump* dump) {
   for (int i = 0; i < dump->count; i++)
      FrameList_clear(&dump->threads[i].frames);
   free(dump->threads);
   dump->threads = NULL;
   dump->count = 0;
}

const char* StackOutput_stateName(char state) {
   switch (state) {
   case 'R':
      return "running";
   case 'S':
      return "sleeping";
   case 'D':
      return "uninterruptible";
   case 'T':
      return "stopped";
   case 't':
      return "traced";
   case 'Z':
      return "zombie";
   case 'I':
      return "idle";
   default:
      return "unknown";
   }
}

static void StackOutput_frameText(const StackFrame* f, FILE* out) {
   if (f->kind == FRAME_PYTHON) {
      if (f->line >= 0)
         fprintf(out, "  %s (%s:%d)\n", f->function, f->file, f->line);
      else
         fprintf(out, "  %s (%s)\n", f->function, f->file);
   } else if (f->function) {
      fprintf(out, "  %s+%#llx (%s)\n", f->function, (unsigned long long)f->offset,
              f->file ? f->file : "?");
   } else if (f->file) {
      fprintf(out, "  %s+%#llx\n", f->file, (unsigned long long)f->offset);
   } else {
      fprintf(out, "  %#llx (unmapped)\n", (unsigned long long)f->pc);
   }
}

void StackOutput_text(const StackDump* dump, FILE* out) {
   fprintf(out, "Process %d (%s)", (int)dump->pid, dump->command);
   if (dump->python[0])
      fprintf(out, ", CPython %s", dump->python);
   fprintf(out, ", %d thread%s", dump->count, dump->count == 1 ? "" : "s");
   if (dump->native)
      fprintf(out, ", stopped for %.2f ms", dump->pauseMs);
   fputc('\n', out);
   for (int i = 0; i < dump->count; i++) {
      const StackThread* t = &dump->threads[i];
      fprintf(out, "\nThread %d (%s) %s%s", (int)t->tid, t->name, StackOutput_stateName(t->state),
              t->gil ? " [GIL]" : "");
      if (t->nsTid != t->tid)
         fprintf(out, ", TID %d in its PID namespace", (int)t->nsTid);
      fputc('\n', out);
      for (int f = 0; f < t->frames.count; f++)
         StackOutput_frameText(&t->frames.frames[f], out);
      if (t->note[0])
         fprintf(out, "  (%s)\n", t->note);
   }
}

static json_object* StackOutput_frameJson(const StackFrame* f) {
   json_object* o = json_object_new_object();
   bool python = f->kind == FRAME_PYTHON;
   json_object_object_add(o, "kind", json_object_new_string(python ? "python" : "native"));
   json_object_object_add(o, "function", f->function ? json_object_new_string(f->function) : NULL);
   if (python) {
      json_object_object_add(o, "file", json_object_new_string(f->file));
      json_object_object_add(o, "line", f->line >= 0 ? json_object_new_int(f->line) : NULL);
   } else {
      json_object_object_add(o, "module", f->file ? json_object_new_string(f->file) : NULL);
      json_object_object_add(o, "offset", json_object_new_int64((int64_t)f->offset));
      json_object_object_add(o, "address", json_object_new_int64((int64_t)f->pc));
   }
   return o;
}

void StackOutput_json(const StackDump* dump, FILE* out) {
   json_object* root = json_object_new_object();
   json_object_object_add(root, "pid", json_object_new_int(dump->pid));
   json_object_object_add(root, "command", json_object_new_string(dump->command));
   json_object_object_add(root, "python",
                          dump->python[0] ? json_object_new_string(dump->python) : NULL);
   json_object_object_add(root, "native", json_object_new_boolean(dump->native));
   json_object_object_add(root, "pause_ms",
                          dump->native ? json_object_new_double(dump->pauseMs) : NULL);
   json_object* threads = json_object_new_array();
   for (int i = 0; i < dump->count; i++) {
      const StackThread* t = &dump->threads[i];
      json_object* o = json_object_new_object();
      json_object_object_add(o, "tid", json_object_new_int(t->tid));
      json_object_object_add(o, "ns_tid", json_object_new_int(t->nsTid));
      json_object_object_add(o, "name", json_object_new_string(t->name));
      json_object_object_add(o, "state", json_object_new_string(StackOutput_stateName(t->state)));
      json_object_object_add(o, "gil", json_object_new_boolean(t->gil));
      json_object_object_add(o, "python", json_object_new_boolean(t->python));
      json_object* frames = json_object_new_array();
      for (int f = 0; f < t->frames.count; f++)
         json_object_array_add(frames, StackOutput_frameJson(&t->frames.frames[f]));
      json_object_object_add(o, "frames", frames);
      json_object_object_add(o, "note", t->note[0] ? json_object_new_string(t->note) : NULL);
      json_object_object_add(o, "pause_ms",
                             dump->native ? json_object_new_double(t->pauseMs) : NULL);
      json_object_array_add(threads, o);
   }
   json_object_object_add(root, "threads", threads);
   fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
   json_object_put(root);
}
