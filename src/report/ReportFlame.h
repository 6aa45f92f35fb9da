#ifndef HEADER_ReportFlame
#define HEADER_ReportFlame
/* A stack profile's folded stacks (`leaktop stack --folded`: outermost
   frame first, `;` between frames, a space and the count) as leaktop's own
   flame graph: inline SVG, the whole profile on top, each frame under its
   caller and as wide as its samples, widest first. Frames narrower than a
   share of the whole are merged, per caller, into one "other" box, and
   that share grows until at most maxFrames boxes are drawn, which bounds
   the size. Every box has a title (its frame, samples and share) that a
   browser shows on hover; the graph has a role, a title and a text
   summary (the hottest path), so that it reads without a script, and ids
   carry the graph's number, so that several share a page. The optional
   script (data/report.js) zooms and searches from the same markup. Frame
   names are untrusted: escaped. */

#include <stdio.h>

/* Boxes a graph draws at most by default. */
#define REPORT_FLAME_FRAMES 400

/* Writes the graph of folded (NUL-terminated) numbered id, titled title
   (escaped here). Returns the boxes drawn; 0, with a line saying so and no
   SVG, when folded holds no sample. */
int ReportFlame_write(FILE* out, const char* folded, int id, const char* title, int maxFrames);

#endif
