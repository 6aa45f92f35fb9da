#ifndef HEADER_Columns
#define HEADER_Columns
/* The dashboard's columns as a data table, in the manner of htop's
   Process_fields: title, width, alignment, priority when the terminal is
   narrow, cost flags (what the sampler must read while the column is
   visible), sort key and formatter. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/Process.h"
#include "ui/Colors.h"
#include "ui/Draw.h"
#include "ui/Glyphs.h"

typedef enum ColumnId {
   COL_PID,
   COL_ROLE,
   COL_AGE,
   COL_RSS,
   COL_ANON,
   COL_FILE,
   COL_SHMEM,
   COL_PSS,
   COL_USS,
   COL_SWAP,
   COL_GROWTH,
   COL_CPU,
   COL_CSW,
   COL_FDS,
   COL_THR,
   COL_SPARK,
   COL_VERDICT,
   COL_TTL,
   COL_COMMAND,
   COL_COUNT
} ColumnId;

/* Cost flag: Machine.scanFlags gets SCAN_SMAPS while such a column is shown. */
#define COLUMN_NEEDS_SMAPS 0x1u
/* Cost flag: SCAN_FDS, each fd's kind (the verdict names CLOSE_WAIT). */
#define COLUMN_NEEDS_FDS 0x2u
/* The column takes the rest of the line (at least its width). */
#define COLUMN_FLEXIBLE 0x4u
/* Not offered as a sort column (the sparkline would sort like GROW/m). */
#define COLUMN_NO_SORT 0x8u

typedef struct ColumnContext {
   double now;     /* monotonic time of the last scan */
   double wallNow; /* wall time of the last scan */
   double tick;    /* seconds per scan */
   double window;  /* growth window, seconds */
   const Glyphs* glyphs;
   int width;                      /* columns the cell has on screen */
   double headroomKiB;             /* left before the limit of the row's tree, NAN unknown */
   const struct ProcessTree* tree; /* the row's, for its worker slots; NULL unknown */
} ColumnContext;

/* Writes the cell's text into buf and returns how it should look. */
typedef ColorElement (*Column_FormatFn)(const Process* p, const ColumnContext* ctx, char* buf,
                                        size_t size);
/* Numeric sort key; NAN when unknown (unknown values sort last either way). */
typedef double (*Column_KeyFn)(const Process* p, const ColumnContext* ctx);

typedef struct Column {
   const char* name;  /* for --sort and the help screen */
   const char* title; /* header text */
   const char* description;
   int width;
   DrawAlign align;
   unsigned flags;
   int priority;         /* 0 is dropped last when the terminal narrows */
   bool descendingFirst; /* the first sort direction: biggest first for sizes */
   Column_KeyFn key;     /* NULL: sorted by the formatted text */
   Column_FormatFn format;
} Column;

extern const Column Columns_table[COL_COUNT];

#define COLUMNS_BIT(id) (1u << (id))

/* Column sets the `c` key cycles through: optional columns stay hidden by
   default because they cost reads or screen width. */
typedef struct ColumnSet {
   const char* name;
   uint32_t mask;
   uint32_t emphasis; /* what the set is for: kept right after PID and RSS */
} ColumnSet;

extern const ColumnSet Columns_sets[];
extern const int Columns_setCount;

typedef struct ColumnLayout {
   int count;
   ColumnId ids[COL_COUNT];
   int x[COL_COUNT];
   int width[COL_COUNT];
   unsigned flags; /* union of the visible columns' cost flags */
} ColumnLayout;

/* Chooses the columns of set that fit in totalWidth, dropping the least
   important first, keeps table order, and lets the flexible column take the
   space left. Columns are separated by one blank. widths overrides the
   table's widths when not NULL (the PID column fits the PIDs on screen). Pure. */
void Columns_layout(const ColumnSet* set, int totalWidth, const int* widths, ColumnLayout* out);

/* Index of the column named name (case-insensitive), or -1. */
int Columns_byName(const char* name);

/* Orders a and b by column id: negative when a comes first. Unknown values
   come last in either direction; ties go by PID. */
int Columns_compare(ColumnId id, bool descending, const Process* a, const Process* b,
                    const ColumnContext* ctx);

/* The VERDICT column's short form of a verdict ("grows/time"), and how a
   verdict looks wherever it is shown. */
const char* Columns_shortVerdict(GrowthVerdict verdict);
ColorElement Columns_verdictColor(GrowthVerdict verdict);

/* The VERDICT cell of p: the short verdict and what its latest snapshot
   diff adds ("grows/time+native"); and how a verdict with that addition
   looks. */
void Columns_workerVerdict(const Process* p, char* buf, size_t size);
ColorElement Columns_workerVerdictColor(GrowthVerdict verdict, SnapshotVerdict heap);

/* Seconds until p reaches the limit at its current growth, NAN when not
   growing, unknown, or beyond a day. */
double Columns_timeToLimit(const Process* p, const ColumnContext* ctx);

/* True when the layout shows column id. */
bool Columns_visible(const ColumnLayout* layout, ColumnId id);

#endif
