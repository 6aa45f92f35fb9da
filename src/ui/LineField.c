#include "config.h"

#include "ui/LineField.h"

#include <string.h>

#include "ui/Colors.h"
#include "ui/Draw.h"

void LineField_clear(LineField* this) {
   this->text[0] = '\0';
}

bool LineField_type(LineField* this, int key) {
   size_t len = strlen(this->text);
   if (key < 32 || key >= 127 || len + 1 >= sizeof(this->text))
      return false;
   this->text[len] = (char)key;
   this->text[len + 1] = '\0';
   return true;
}

void LineField_erase(LineField* this) {
   size_t len = strlen(this->text);
   if (len > 0)
      this->text[len - 1] = '\0';
}

static int LineField_put(WINDOW* w, int y, int x, const char* s, ColorElement e) {
   int width = getmaxx(w);
   if (x >= width)
      return x;
   return x + Draw_text(w, y, x, width - x, s, Colors_attr(e));
}

void LineField_draw(const LineField* this, WINDOW* w, int y, const char* label, const char* hints) {
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_STATUS));
   int x = LineField_put(w, y, 0, label, CLR_STATUS);
   x = LineField_put(w, y, x, this->text, CLR_FILTER);
   x = LineField_put(w, y, x, "_", CLR_FILTER);
   LineField_put(w, y, x, hints, CLR_STATUS);
}
