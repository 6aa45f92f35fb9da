#include "config.h"

#include "report/ReportFlame.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/ReportText.h"
#include "util/XUtils.h"

/* In SVG user units: the graph's width, a row and its box, and about one
   character of the 11px labels (a box shows as much of its name as fits). */
#define FLAME_WIDTH 1000.0
#define FLAME_ROW   17
#define FLAME_BOX   16
#define FLAME_CHAR  6.6
/* Deeper frames count in their ancestor at this depth; a profile of more
   distinct frames than FLAME_NODES counts the rest in their callers. */
#define FLAME_DEPTH 64
#define FLAME_NODES 20000
/* Boxes narrower than this share of the samples are merged at first
   (0.1%); the share doubles until the graph fits its bound. */
#define FLAME_MERGE_FIRST 0.001
#define FLAME_COLORS      6

typedef struct FlameNode {
   const char* name;
   int child, sibling; /* -1: none */
   double value;
} FlameNode;

typedef struct Flame {
   FlameNode* nodes;
   int count, capacity;
   double min; /* samples a box needs; narrower ones merge into "other" */
   int depth;  /* the deepest row drawn */
} Flame;

static int ReportFlame_node(Flame* f, const char* name) {
   if (f->count == f->capacity) {
      f->capacity = f->capacity ? f->capacity * 2 : 256;
      f->nodes = xReallocArray(f->nodes, (size_t)f->capacity, sizeof(FlameNode));
   }
   FlameNode* n = &f->nodes[f->count];
   n->name = name;
   n->child = n->sibling = -1;
   n->value = 0;
   return f->count++;
}

static int ReportFlame_child(Flame* f, int parent, const char* name) {
   for (int c = f->nodes[parent].child; c >= 0; c = f->nodes[c].sibling)
      if (strcmp(f->nodes[c].name, name) == 0)
         return c;
   if (f->count == FLAME_NODES)
      return -1;
   int c = ReportFlame_node(f, name);
   f->nodes[c].sibling = f->nodes[parent].child;
   f->nodes[parent].child = c;
   return c;
}

/* One line "a;b;c 12": its count down the path; others are skipped. */
static void ReportFlame_line(Flame* f, char* line) {
   char* space = strrchr(line, ' ');
   if (!space)
      return;
   char* end;
   double count = strtod(space + 1, &end);
   if (end == space + 1 || *end != '\0' || !isfinite(count) || count <= 0)
      return;
   *space = '\0';
   int node = 0, depth = 0;
   f->nodes[0].value += count;
   for (char* frame; depth < FLAME_DEPTH && (frame = strsep(&line, ";")) != NULL;) {
      if (!frame[0])
         continue;
      int c = ReportFlame_child(f, node, frame);
      if (c < 0)
         break;
      f->nodes[c].value += count;
      node = c;
      depth++;
   }
}

/* Its boxes at f->min: itself, the children as wide as that, and one
   "other" for the rest when it is; the deepest row into f->depth. */
static int ReportFlame_boxes(Flame* f, int node, int depth) {
   int n = 1;
   double other = 0;
   if (depth > f->depth)
      f->depth = depth;
   for (int c = f->nodes[node].child; c >= 0; c = f->nodes[c].sibling) {
      if (f->nodes[c].value >= f->min)
         n += ReportFlame_boxes(f, c, depth + 1);
      else
         other += f->nodes[c].value;
   }
   if (other > 0 && other >= f->min) {
      n++;
      if (depth + 1 > f->depth)
         f->depth = depth + 1;
   }
   return n;
}

static unsigned ReportFlame_hash(const char* s) {
   unsigned h = 5381;
   while (*s)
      h = h * 33 + (unsigned char)*s++;
   return h;
}

static void ReportFlame_box(FILE* out, const Flame* f, const char* name, const char* colour,
                            double value, double x, int depth) {
   double total = f->nodes[0].value;
   double w = value / total * FLAME_WIDTH;
   fprintf(out, "<g class=\"fr %s\" data-d=\"%d\"><title>", colour, depth);
   ReportText_put(out, name, false, REPORT_TEXT_HTML);
   fprintf(
         out,
         " (%.0f samples, %.1f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>",
         value, 100 * value / total, x, depth * FLAME_ROW, w, FLAME_BOX);
   int chars = (int)((w - 6) / FLAME_CHAR);
   if (chars >= 3) {
      char label[256];
      size_t len = strlen(name);
      if (len > (size_t)chars) {
         size_t cut = ReportText_cut(
               name, (size_t)chars - 2 < sizeof(label) - 3 ? (size_t)chars - 2 : sizeof(label) - 3);
         snprintf(label, sizeof(label), "%.*s..", (int)cut, name);
      } else {
         snprintf(label, sizeof(label), "%s", name);
      }
      fprintf(out, "<text x=\"%.1f\" y=\"%d\">", x + 3, depth * FLAME_ROW + 12);
      ReportText_put(out, label, false, REPORT_TEXT_HTML);
      fputs("</text>", out);
   }
   fputs("</g>\n", out);
}

typedef struct FlameChild {
   double value;
   int index;
} FlameChild;

static int ReportFlame_widestFirst(const void* a, const void* b) {
   const FlameChild* x = a;
   const FlameChild* y = b;
   if (x->value != y->value)
      return x->value > y->value ? -1 : 1;
   return x->index - y->index;
}

/* The node's box, then its children's, widest first, and their "other". */
static void ReportFlame_draw(FILE* out, const Flame* f, int node, double x, int depth) {
   const FlameNode* n = &f->nodes[node];
   char colour[8] = "ca";
   if (node != 0)
      snprintf(colour, sizeof(colour), "c%u", ReportFlame_hash(n->name) % FLAME_COLORS);
   ReportFlame_box(out, f, node == 0 ? "all" : n->name, colour, n->value, x, depth);
   int count = 0;
   for (int c = n->child; c >= 0; c = f->nodes[c].sibling)
      count++;
   if (count == 0)
      return;
   FlameChild* children = xCalloc((size_t)count, sizeof(*children));
   count = 0;
   for (int c = n->child; c >= 0; c = f->nodes[c].sibling)
      children[count++] = (FlameChild){f->nodes[c].value, c};
   qsort(children, (size_t)count, sizeof(*children), ReportFlame_widestFirst);
   double at = x, other = 0;
   int merged = 0;
   for (int i = 0; i < count; i++) {
      if (children[i].value < f->min) {
         other += children[i].value;
         merged++;
         continue;
      }
      ReportFlame_draw(out, f, children[i].index, at, depth + 1);
      at += children[i].value / f->nodes[0].value * FLAME_WIDTH;
   }
   free(children);
   if (other > 0 && other >= f->min) {
      char name[64];
      snprintf(name, sizeof(name), "other: %d frame%s", merged, merged == 1 ? "" : "s");
      ReportFlame_box(out, f, name, "co", other, at, depth + 1);
   }
}

/* The path of the widest frames from the top, for the text summary. */
static void ReportFlame_hottest(FILE* out, const Flame* f) {
   int node = 0;
   for (int depth = 0; depth < 12; depth++) {
      int widest = -1;
      for (int c = f->nodes[node].child; c >= 0; c = f->nodes[c].sibling)
         if (widest < 0 || f->nodes[c].value > f->nodes[widest].value)
            widest = c;
      if (widest < 0)
         break;
      if (depth > 0)
         fputs("; ", out);
      ReportText_put(out, f->nodes[widest].name, false, REPORT_TEXT_HTML);
      node = widest;
   }
   fprintf(out, " (%.1f%% of the samples)", 100 * f->nodes[node].value / f->nodes[0].value);
}

int ReportFlame_write(FILE* out, const char* folded, int id, const char* title, int maxFrames) {
   Flame f = {0};
   char* text = xStrdup(folded);
   ReportFlame_node(&f, "all");
   for (char *rest = text, *line; (line = strsep(&rest, "\n")) != NULL;)
      ReportFlame_line(&f, line);
   double total = f.nodes[0].value;
   if (total <= 0) {
      fputs("<p>The profile holds no sample.</p>\n", out);
      free(f.nodes);
      free(text);
      return 0;
   }
   int boxes;
   for (f.min = total * FLAME_MERGE_FIRST;; f.min *= 2) {
      f.depth = 0;
      boxes = ReportFlame_boxes(&f, 0, 0);
      if (boxes <= (maxFrames > 1 ? maxFrames : 1) || f.min > total)
         break;
   }
   fprintf(out,
           "<svg class=\"flame\" id=\"flame-%d\" role=\"img\" viewBox=\"0 0 %.0f %d\" "
           "aria-labelledby=\"flame-title-%d flame-desc-%d\">\n<title id=\"flame-title-%d\">",
           id, FLAME_WIDTH, (f.depth + 1) * FLAME_ROW, id, id, id);
   ReportText_put(out, title, false, REPORT_TEXT_HTML);
   fprintf(out, "</title>\n<desc id=\"flame-desc-%d\">%.0f samples. The hottest path: ", id, total);
   ReportFlame_hottest(out, &f);
   fprintf(out,
           ". Callers above callees, each as wide as its samples; frames under %.2g%% of the "
           "samples are merged into an \"other\" box per caller (%d boxes).</desc>\n",
           100 * f.min / total, boxes);
   ReportFlame_draw(out, &f, 0, 0, 0);
   fputs("</svg>\n", out);
   free(f.nodes);
   free(text);
   return boxes;
}
