#ifndef HEADER_Draw
#define HEADER_Draw
/* Text output that never writes outside the window and counts terminal
   columns, not bytes: command lines may hold wide or invalid characters. */

#include <curses.h>

typedef enum DrawAlign {
   ALIGN_LEFT,
   ALIGN_RIGHT,
} DrawAlign;

/* Writes at most maxCols columns of the multibyte string s at (y, x) with
   attr; invalid or unprintable characters show as '?'. Returns the columns
   written. Nothing is written outside w. */
int Draw_text(WINDOW* w, int y, int x, int maxCols, const char* s, int attr);

/* s within a field of width columns, padded with blanks on the other side. */
int Draw_field(WINDOW* w, int y, int x, int width, const char* s, DrawAlign align, int attr);

/* Blanks from x for cols columns (to the right edge when cols < 0). */
void Draw_fill(WINDOW* w, int y, int x, int cols, int attr);

/* A status line at y: the note on the left (if any), the key hints
   right-aligned when both fit, else after the note. */
void Draw_status(WINDOW* w, int y, const char* note, const char* hints, int attr);

/* Terminal columns s occupies, with the same rules as Draw_text. */
int Draw_width(const char* s);

#endif
