#include "config.h"

#include "ui/Glyphs.h"

#include <langinfo.h>
#include <strings.h>

const Glyphs Glyphs_utf8 = {
      .utf8 = true,
      .spark = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
      .sparkLevels = 8,
      .bar = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
      .barLevels = 8,
      .band = "░",
      .trafficPoint = "•",
      .idleShade = "·",
      .ussPoint = "×",
      .pssPoint = "○",
      .spikeMark = "▲",
      .verdictMark = "◆",
      .snapshotMark = "●",
      .deployMark = "■",
      .recycleMark = "↻",
      .plusMinus = "±",
      .treeBranch = "├─",
      .treeLast = "└─",
      .treeVertical = "│ ",
      .treeSpace = "  ",
      .axisVertical = "│",
      .axisTick = "┤",
      .axisCorner = "└",
      .axisHorizontal = "─",
      .axisTimeTick = "┬",
      .axisTickRight = "├",
      .axisCornerRight = "┘",
      .sortAscending = "▲",
      .sortDescending = "▼",
      .treeHeader = "▸",
      .foldOpen = "▾",
      .foldClosed = "▸",
};

const Glyphs Glyphs_ascii = {
      .utf8 = false,
      .spark = {"_", ".", "-", "=", "^", "#"},
      .sparkLevels = 6,
      .bar = {"_", "-", "=", "#"},
      .barLevels = 4,
      .band = ":",
      .trafficPoint = "o",
      .idleShade = ".",
      .ussPoint = "x",
      .pssPoint = "*",
      .spikeMark = "^",
      .verdictMark = "V",
      .snapshotMark = "*",
      .deployMark = "D",
      .recycleMark = "R",
      .plusMinus = "+-",
      .treeBranch = "|-",
      .treeLast = "`-",
      .treeVertical = "| ",
      .treeSpace = "  ",
      .axisVertical = "|",
      .axisTick = "+",
      .axisCorner = "+",
      .axisHorizontal = "-",
      .axisTimeTick = "+",
      .axisTickRight = "+",
      .axisCornerRight = "+",
      .sortAscending = "^",
      .sortDescending = "v",
      .treeHeader = ">",
      .foldOpen = "-",
      .foldClosed = "+",
};

bool Glyphs_isUtf8Codeset(const char* codeset) {
   return codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "UTF8") == 0);
}

const Glyphs* Glyphs_forLocale(void) {
   return Glyphs_isUtf8Codeset(nl_langinfo(CODESET)) ? &Glyphs_utf8 : &Glyphs_ascii;
}
