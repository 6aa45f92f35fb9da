#ifndef HEADER_LineField
#define HEADER_LineField
/* A one-line text field typed into on the status line while a modal key
   table holds the keys: the dashboard's filter (after `/`) and replay's
   "go to time" prompt (after `b`). Printable ASCII only, which is what a
   PID, a program name, a path and a time are typed with. The modal table
   around it decides what Enter and Esc do. */

#include <curses.h>
#include <stdbool.h>

#define LINE_FIELD_MAX 64

typedef struct LineField {
   char text[LINE_FIELD_MAX];
} LineField;

/* The keys of the modal table (KeyBindings.h) around a field: Esc, Enter
   (three codes), Backspace (three codes) and a new terminal size; the
   table's otherKey types the rest with LineField_type. */
// clang-format off
#define LINE_FIELD_BINDINGS(cancel, apply, erase)                                                  \
   {KEY_ESC, NULL, NULL, cancel},                                                                 \
   {'\n', NULL, NULL, apply}, {'\r', NULL, NULL, apply}, {KEY_ENTER, NULL, NULL, apply},            \
   {KEY_BACKSPACE, NULL, NULL, erase}, {127, NULL, NULL, erase}, {8, NULL, NULL, erase},            \
   {KEY_RESIZE, NULL, NULL, Action_redraw}
// clang-format on

void LineField_clear(LineField* this);
/* Appends key when it is printable ASCII and there is room; false when it
   was not taken. */
bool LineField_type(LineField* this, int key);
/* Backspace: the last character goes. */
void LineField_erase(LineField* this);

/* The status line y while typing: "label text_  hints". */
void LineField_draw(const LineField* this, WINDOW* w, int y, const char* label, const char* hints);

#endif
