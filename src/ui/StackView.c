#include "config.h"

#include "ui/StackView.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks/StackSession.h"
#include "ui/Colors.h"
#include "ui/Draw.h"
#include "util/XUtils.h"

static void StackView_addLine(Ui* ui, const char* text, size_t len) {
   ui->stackLines = xReallocArray(ui->stackLines, (size_t)ui->stackLineCount + 1, sizeof(char*));
   char* line = xMalloc(len + 1);
   memcpy(line, text, len);
   line[len] = '\0';
   ui->stackLines[ui->stackLineCount++] = line;
}

void StackView_close(Ui* ui) {
   for (int i = 0; i < ui->stackLineCount; i++)
      free(ui->stackLines[i]);
   free(ui->stackLines);
   ui->stackLines = NULL;
   ui->stackLineCount = 0;
   ui->stackScroll = 0;
}

void StackView_open(Ui* ui, pid_t pid) {
   StackView_close(ui);
   ui->stackPid = pid;
   char err[512] = "";
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   StackDump dump = {0};
   StackSession* session = StackSession_open(pid, false, err, sizeof(err));
   if (out && session && StackSession_sample(session, &dump, err, sizeof(err))) {
      StackOutput_text(&dump, out);
      if (dump.warning[0])
         fprintf(out, "\n(%s)\n", dump.warning);
   } else if (out) {
      fprintf(out, "No stacks for process %d: %s\n", (int)pid, err);
   }
   StackDump_done(&dump);
   StackSession_free(session);
   if (out)
      fclose(out);
   for (const char* line = text; line && *line;) {
      size_t len = strcspn(line, "\n");
      StackView_addLine(ui, line, len);
      line += len + (line[len] == '\n');
   }
   free(text);
   ui->view = VIEW_STACK;
}

void StackView_scroll(Ui* ui, int delta) {
   ui->stackScroll += delta;
   if (ui->stackScroll < 0)
      ui->stackScroll = 0;
}

void StackView_draw(Ui* ui, WINDOW* w) {
   int rows, cols;
   getmaxyx(w, rows, cols);
   int body = rows >= 2 ? rows - 1 : rows;
   if (ui->stackScroll > ui->stackLineCount - body)
      ui->stackScroll = ui->stackLineCount - body;
   if (ui->stackScroll < 0)
      ui->stackScroll = 0;
   for (int i = 0; i < body && ui->stackScroll + i < ui->stackLineCount; i++) {
      const char* line = ui->stackLines[ui->stackScroll + i];
      bool title = strncmp(line, "Thread ", 7) == 0 || strncmp(line, "Process ", 8) == 0;
      Draw_text(w, i, 0, cols, line, Colors_attr(title ? CLR_TOP : CLR_DEFAULT));
   }
   if (rows >= 2) {
      Draw_fill(w, rows - 1, 0, -1, Colors_attr(CLR_STATUS));
      Draw_text(w, rows - 1, 0, cols,
                "Up/Down/PgUp/PgDn scroll, r dump again, p profile, q back, F1 help",
                Colors_attr(CLR_STATUS));
   }
}
